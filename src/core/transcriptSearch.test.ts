import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findTranscript } from './transcriptSearch.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'tether-search-'));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const owns = (id: string) => (line: unknown) => (line as { id?: string } | undefined)?.id === id;

describe('findTranscript', () => {
  it('finds the file under wildcard folders whose name and first line are the conversation’s', async () => {
    const root = tree({
      '2026/12/01/rollout-a-abc.jsonl': '{"id":"abc"}\n{"more":1}\n',
      '2026/12/02/rollout-b-xyz.jsonl': '{"id":"xyz"}\n',
    });
    expect(await findTranscript({ dir: root, within: ['*', '*', '*'], name: /-abc\.jsonl$/, owns: owns('abc') })).toBe(join(root, '2026/12/01/rollout-a-abc.jsonl'));
  });

  it('never takes a file whose first line names another conversation', async () => {
    const root = tree({ 'p/chats/session-1-abc.jsonl': '{"id":"other"}\n', 'q/chats/session-2-abc.jsonl': 'not json\n' });
    expect(await findTranscript({ dir: root, within: ['*', 'chats'], name: /-abc\.jsonl$/, owns: owns('abc') })).toBeUndefined();
  });

  it('looks only in the newest folders when asked, and finds nothing in a missing folder', async () => {
    const root = tree({ '2025/01/rollout-abc.jsonl': '{"id":"abc"}\n', '2026/01/x.txt': '', '2027/01/x.txt': '' });
    expect(await findTranscript({ dir: root, within: ['*', '*'], newest: 2, name: /abc/, owns: owns('abc') })).toBeUndefined();
    expect(await findTranscript({ dir: root, within: ['*', '*'], newest: 3, name: /abc/, owns: owns('abc') })).toBe(join(root, '2025/01/rollout-abc.jsonl'));
    expect(await findTranscript({ dir: join(root, 'missing'), within: ['*'], name: /abc/, owns: owns('abc') })).toBeUndefined();
  });
});
