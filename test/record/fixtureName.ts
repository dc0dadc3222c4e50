/** The file name of a recorded fixture: `<name>.<cols>x<rows>` (plus `.cast` / `.expect.json`). */
import type { RecordingFixture } from '../../parsers/cliRecording.js';

/** `<name>.<cols>x<rows>` of a fixture. */
export function fixtureName(fixture: RecordingFixture): string {
  return `${fixture.name}.${fixture.cols}x${fixture.rows}`;
}
