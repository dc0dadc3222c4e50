/**
 * A real small disk for fault tests: a tmpfs of a few KB mounted in a private mount namespace
 * (`unshare -m`; `unshare -rm` maps root for a normal user where user namespaces are allowed),
 * reached from this process through `/proc/<pid>/root`, so nothing changes on the host. It can
 * be filled to ENOSPC and remounted read-only (EROFS).
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A mounted small disk. */
export interface SmallDisk {
  /** A directory on the disk, usable from this process. */
  readonly path: string;
  /** Writes filler until the disk refuses (ENOSPC). */
  fill(): void;
  /** Removes the filler. */
  free(): void;
  /** Remounts the disk read-only (EROFS) or back to read-write. */
  setReadOnly(readOnly: boolean): void;
  dispose(): void;
}

/** Why a small disk cannot be made here, or undefined when it can. */
export function smallDiskUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux mount namespaces';
  for (const flags of unshareFlags()) {
    if (spawnSync('unshare', [...flags, 'sh', '-c', 'mount -t tmpfs -o size=16k tmpfs /mnt']).status === 0) return undefined;
  }
  return 'unshare cannot mount a tmpfs here (needs root or unprivileged user namespaces)';
}

function unshareFlags(): string[][] {
  return process.getuid?.() === 0 ? [['-m']] : [['-rm']];
}

/**
 * Mounts a tmpfs of `sizeKb` KB. @throws Error when the namespace cannot be made (see smallDiskUnavailable)
 */
export async function mountSmallDisk(sizeKb: number): Promise<SmallDisk> {
  const mountPoint = mkdtempSync(join(tmpdir(), 'tether-small-disk-'));
  const child: ChildProcess = spawn('unshare', [...unshareFlags()[0], 'sh', '-c', `mount -t tmpfs -o size=${sizeKb}k,mode=0700 tmpfs '${mountPoint}' && echo mounted && exec sleep 3600`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`unshare exited with ${code}`)));
  });
  const root = `/proc/${child.pid}/root${mountPoint}`;
  const filler = join(root, 'filler');
  return {
    path: root,
    fill() {
      const block = Buffer.alloc(4096, 120);
      for (let i = 0; ; i++) {
        try {
          writeFileSync(filler, block, { flag: 'a' });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOSPC') return;
          throw err;
        }
        if (i > 1_000_000) throw new Error('the small disk never filled');
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    setReadOnly(readOnly) {
      const result = spawnSync('nsenter', ['-t', String(child.pid), '-m', ...(process.getuid?.() === 0 ? [] : ['-U', '--preserve-credentials']), 'mount', '-o', `remount,${readOnly ? 'ro' : 'rw'}`, mountPoint]);
      if (result.status !== 0) throw new Error(`remount failed: ${String(result.stderr)}`);
    },
    dispose() {
      child.kill('SIGKILL');
      rmSync(mountPoint, { recursive: true, force: true });
    },
  };
}
