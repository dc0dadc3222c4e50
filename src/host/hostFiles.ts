/**
 * Where session hosts live in the data dir (`<dataDir>/hosts`, 0700): per host a socket
 * (`<id>.sock`, 0600), a record (`<id>.json`, 0600: pid, socket, secret, protocol version) the
 * next daemon finds it by, and, for a host whose daemon never came back, a final record
 * (`<id>.final.json`: the session, exit code and the output that rebuilds its last screen).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { hostSessionSchema } from './hostProtocol.js';
import { PRIVATE_DIR_MODE, writeFileAtomicSync } from '../store/atomicFile.js';

/** The hosts folder under a data dir. */
export const HOSTS_DIR = 'hosts';
/** A unix socket path longer than this does not fit `sockaddr_un.sun_path` (108 bytes with the NUL, Linux). */
const MAX_SOCKET_PATH = 107;

/** What a host writes for the next daemon. */
export const hostRecordSchema = z.object({
  v: z.number().int().positive(),
  id: z.string().min(1),
  pid: z.number().int().positive(),
  socket: z.string(),
  secret: z.string().min(32),
});
export type HostRecord = z.infer<typeof hostRecordSchema>;

/** What a host leaves when its agent exited and no daemon took the exit in time. */
export const finalHostRecordSchema = z.object({
  v: z.number().int().positive(),
  session: hostSessionSchema,
  exit_code: z.number().int(),
  ended_at: z.string(),
  checkpoint: z.string().optional(),
  /** Output after the checkpoint (or from the start), bounded by the ring. */
  output: z.string(),
});
export type FinalHostRecord = z.infer<typeof finalHostRecordSchema>;

/** `<dataDir>/hosts`, created 0700. @throws the fs error when it cannot be created */
export function hostsDir(dataDir: string): string {
  const dir = join(dataDir, HOSTS_DIR);
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  return dir;
}

/** The files of host `id` under `dir` (the hosts folder). */
export function hostPaths(dir: string, id: string): { socket: string; record: string; final: string; log: string } {
  const stem = join(dir, id);
  // The socket name is cut so a deep data dir still fits sun_path; ids are random UUIDs.
  const socket = `${stem}.sock`.length <= MAX_SOCKET_PATH ? `${stem}.sock` : join(dir, `${id.slice(0, 8)}.sock`);
  return { socket, record: `${stem}.json`, final: `${stem}.final.json`, log: `${stem}.log` };
}

/** Writes a record atomically, 0600. @throws TetherError STORE_WRITE_FAILED */
export function writeJsonFile(path: string, value: unknown): void {
  writeFileAtomicSync(path, `${JSON.stringify(value)}\n`);
}

/** Every readable `*.json` (or `*.final.json`) record in `dir` that passes `schema`; the rest are reported to `onBad`. */
function readRecords<T>(dir: string, suffix: string, schema: z.ZodType<T>, onBad: (path: string, reason: string) => void): Array<{ path: string; record: T }> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const records: Array<{ path: string; record: T }> = [];
  for (const name of names) {
    if (!name.endsWith(suffix) || (suffix === '.json' && name.endsWith('.final.json'))) continue;
    const path = join(dir, name);
    try {
      const parsed = schema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
      if (parsed.success) records.push({ path, record: parsed.data });
      else onBad(path, parsed.error.issues[0]?.message ?? 'schema');
    } catch (err) {
      onBad(path, (err as Error).message);
    }
  }
  return records;
}

/** The host records in the hosts folder. */
export function readHostRecords(dir: string, onBad: (path: string, reason: string) => void = () => {}): Array<{ path: string; record: HostRecord }> {
  return readRecords(dir, '.json', hostRecordSchema, onBad);
}

/** The final records in the hosts folder. */
export function readFinalRecords(dir: string, onBad: (path: string, reason: string) => void = () => {}): Array<{ path: string; record: FinalHostRecord }> {
  return readRecords(dir, '.final.json', finalHostRecordSchema, onBad);
}

/** True when a process with this pid exists (signal 0). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes host `id`'s socket and record (and its log), ignoring what is gone. */
export function removeHostFiles(dir: string, id: string, options: { keepLog?: boolean } = {}): void {
  const paths = hostPaths(dir, id);
  for (const path of [paths.socket, paths.record, ...(options.keepLog ? [] : [paths.log])]) rmSync(path, { force: true });
}
