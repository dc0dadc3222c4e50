/**
 * Latency figures of the voices study. A "loop" turn makes the agent run N quick read-only
 * tools in a row; the gap between two consecutive model requests (ms, from the mock's arrival
 * times) is one tool call's round trip through the CLI, its hooks included. Comparing a run
 * with hooks against one without gives what the hooks add per tool call.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Summary of a sample set (ms). */
export interface Stats {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** The q-quantile (0..1) of sorted values, nearest rank. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** p50/p90/p99/max/mean of `values` (ms, rounded to 0.1). */
export function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (value: number): number => Math.round(value * 10) / 10;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  return {
    count: sorted.length,
    p50: round(quantile(sorted, 0.5)),
    p90: round(quantile(sorted, 0.9)),
    p99: round(quantile(sorted, 0.99)),
    max: round(sorted.at(-1) ?? Number.NaN),
    mean: round(mean),
  };
}

/**
 * Gaps (ms) between consecutive main-conversation requests, skipping the first `skip` (the
 * prompt's own request and any warm-up call) and the last (the final text answer's).
 */
export function requestGaps(times: readonly number[], skip = 1): number[] {
  const gaps: number[] = [];
  for (let index = skip + 1; index < times.length; index += 1) gaps.push(times[index] - times[index - 1]);
  return gaps;
}

/** Writes `latency.json` (the gaps and their stats) into `outDir` and returns the stats. */
export function writeLatency(outDir: string, label: string, gaps: readonly number[]): Stats {
  const summary = stats(gaps);
  // The machine is shared: the load average says how much the figures are worth.
  const loadavg = fs.readFileSync('/proc/loadavg', 'utf8').trim();
  fs.writeFileSync(path.join(outDir, 'latency.json'), `${JSON.stringify({ label, loadavg, stats: summary, gaps }, null, 2)}\n`);
  return summary;
}
