/**
 * The prompt queues on disk: `<dataDir>/queue.json` (atomic, 0600), `{"version": 1, "queues":
 * {<session id>: {items, autoplay}}}`. Queues of sessions that are gone are kept. A file that
 * cannot be read or fails its schema is moved aside (`queue.json.unreadable-<ms>`), never
 * overwritten, and the daemon starts with empty queues.
 */
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { autoplayStateSchema, queueItemSchema } from '../common/queue.js';
import type { IQueuePersistence, StoredQueue } from '../common/queue.js';
import { readFileIfExists, removeStaleTemporaries, writeFileAtomicSync } from './atomicFile.js';

/** The file name inside the data directory. */
export const QUEUE_FILE = 'queue.json';

const queueFileSchema = z.object({
  version: z.literal(1),
  queues: z.record(z.string(), z.object({ items: z.array(queueItemSchema), autoplay: autoplayStateSchema })),
});

/** The queues in `<dataDir>/queue.json`. */
export class QueueStore implements IQueuePersistence {
  private readonly _path: string;

  /** @param onProblem told when the file was unreadable and moved aside (for the log) */
  constructor(dataDir: string, private readonly _onProblem: (message: string) => void = () => undefined) {
    this._path = join(dataDir, QUEUE_FILE);
  }

  /** @throws never */
  load(): Record<string, StoredQueue> {
    removeStaleTemporaries(this._path);
    let text: string | undefined;
    try {
      text = readFileIfExists(this._path);
      if (text === undefined) return {};
      return queueFileSchema.parse(JSON.parse(text)).queues;
    } catch (err) {
      const aside = `${this._path}.unreadable-${Date.now()}`;
      try {
        renameSync(this._path, aside);
        this._onProblem(`${this._path} could not be read (${(err as Error).message.slice(0, 200)}); moved to ${aside}`);
      } catch {
        this._onProblem(`${this._path} could not be read and could not be moved aside`);
      }
      return {};
    }
  }

  /** @throws TetherError STORE_WRITE_FAILED (the previous file stays) */
  save(queues: Readonly<Record<string, StoredQueue>>): void {
    writeFileAtomicSync(this._path, `${JSON.stringify({ version: 1, queues }, null, 2)}\n`);
  }
}
