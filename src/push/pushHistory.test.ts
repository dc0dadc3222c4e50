/**
 * PushHistory after a crash mid-append: the torn last line is skipped and the next report
 * starts a line of its own instead of being glued to it (and lost).
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PushHistory } from './deliveryReport.js';
import type { PushDeliveryReport } from './deliveryReport.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function report(promptId: string): PushDeliveryReport {
  return { prompt_id: promptId, device_id: 'phone', provider: 'apns', result: { status: 'sent', attempt: 0 }, timestamp: '2026-01-01T00:00:00.000Z' };
}

describe('PushHistory', () => {
  it('keeps the next report whole after a torn last line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tether-history-'));
    dirs.push(dir);
    const path = join(dir, 'push-history.jsonl');
    new PushHistory(path).append(report('first'));
    appendFileSync(path, JSON.stringify(report('torn')).slice(0, 30));
    new PushHistory(path).append(report('after'));
    expect(new PushHistory(path).recent().map((entry) => entry.prompt_id)).toEqual(['first', 'after']);
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true);
  });
});
