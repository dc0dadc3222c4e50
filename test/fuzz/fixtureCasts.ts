/** Recorded fixture casts (text), read once, for the fuzz surfaces that mutate real output. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/repoRoot.js';

let cached: string[] | undefined;

/** Every `fixtures/<cli>/*.cast` as text, in a stable order. */
export function fixtureCastTexts(): string[] {
  if (cached) return cached;
  const root = join(REPO_ROOT, 'fixtures');
  const files: string[] = [];
  for (const folder of readdirSync(root, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const name of readdirSync(join(root, folder.name)).sort()) if (name.endsWith('.cast')) files.push(join(root, folder.name, name));
  }
  cached = files.sort().map((file) => readFileSync(file, 'utf8'));
  return cached;
}
