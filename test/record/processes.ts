/**
 * Process helpers the fixture recorders share: a process's direct children (from /proc) and
 * killing a PTY's process group, so no CLI outlives its recording.
 */
import fs from 'node:fs';

/** Direct children of `pid` (empty when it is gone). */
export function childPids(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Kills `pid`'s process group (a CLI leads its PTY's session; relaunched children share it), else the process. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
