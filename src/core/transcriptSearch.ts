/**
 * Finds a transcript whose file name the CLI chooses at start (Codex's `rollout-<time>-<id>`,
 * Gemini's `session-<time>-<id8>`) from a TranscriptSearch: lists the folders it names, and
 * takes the first file whose name passes and whose first line says it is this conversation's.
 */
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TranscriptSearch } from '../../parsers/index.js';

/** Bytes read for a file's first line (Codex's session_meta line holds the base instructions: tens of KB). */
const FIRST_LINE_BYTES = 1 << 20;

/** Names in `dir`, or none when it cannot be read. */
async function names(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

/** The first line of a file, parsed; undefined when it cannot be read or is not JSON. */
async function firstLine(path: string): Promise<unknown> {
  let file;
  try {
    file = await open(path, 'r');
    const buffer = Buffer.alloc(FIRST_LINE_BYTES);
    const { bytesRead } = await file.read(buffer, 0, FIRST_LINE_BYTES, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    const end = text.indexOf('\n');
    return JSON.parse(end === -1 ? text : text.slice(0, end));
  } catch {
    return undefined;
  } finally {
    await file?.close();
  }
}

/**
 * The path of the file `search` describes, once it exists.
 * @returns undefined while no file matches (the caller polls again)
 * @throws never
 */
export async function findTranscript(search: TranscriptSearch): Promise<string | undefined> {
  let dirs = [search.dir];
  for (const part of search.within) {
    const next: string[] = [];
    for (const dir of dirs) {
      if (part !== '*') next.push(join(dir, part));
      else next.push(...(await names(dir)).slice(-(search.newest ?? 0)).map((name) => join(dir, name)));
    }
    dirs = next;
  }
  for (const dir of dirs.reverse()) {
    for (const name of (await names(dir)).filter((n) => search.name.test(n)).reverse()) {
      const path = join(dir, name);
      if (search.owns(await firstLine(path))) return path;
    }
  }
  return undefined;
}
