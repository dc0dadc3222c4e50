/**
 * Fuzzes `parseConfig`: the README's example config and random configs as YAML, mutated as
 * text and as values, YAML-specific traps (anchors and alias bombs, tags, merge keys, deep
 * nesting, duplicate keys), and random text. A config parses to a complete, defaulted
 * TetherConfig or is CONFIG_INVALID naming the failing path.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/store/config.js';
import { acceptOrReject } from './fuzzSurface.js';
import type { FuzzSurface } from './fuzzSurface.js';
import { anyText, mutatedJson, mutatedText } from './mutations.js';

/** A valid config touching every section. */
const SAMPLE = {
  server: { host: '127.0.0.1', port: 7878, tls: { cert_file: '/c.crt', key_file: '/c.key' } },
  sessions: { cols: 120, rows: 40, submit_delay_ms: 150, max_running: 32, keep_exited: 50, history_bytes: 2097152 },
  push: {
    enabled: true,
    delay_seconds: 3,
    content: 'minimal',
    max_per_minute: 10,
    devices: { 'phone-1': { quiet_hours: { start: '22:00', end: '07:00', time_zone: 'Europe/Berlin' }, wait_types: { awaiting_response: false } } },
    apns: { key_file: '/k.p8', key_id: 'ABC123', team_id: 'TEAM123456', bundle_id: 'com.example.tether', environment: 'sandbox' },
    fcm: { service_account_file: '/sa.json' },
    webpush: { subject: 'mailto:me@example.com' },
  },
};

/** YAML constructs that break naive loaders. */
const YAML_TRAPS = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
  'server: !!binary aGVsbG8=\n',
  'server: !!js/function "function(){}"\n',
  'server:\n  <<: {port: 1}\n  port: 2\n',
  'server:\n  port: 1\nserver:\n  port: 2\n',
  'push: &p\n  devices:\n    x: *p\n',
  '%YAML 1.1\n---\nserver: {port: 0x1E78}\n',
  '---\nserver: {}\n---\npush: {}\n',
  'sessions: {cols: .inf, rows: .nan}\n',
  `${'- '.repeat(1200)}x\n`,
  `${'{'.repeat(300)}${'}'.repeat(300)}\n`,
  'push:\n  devices:\n    __proto__: {quiet_hours: null}\n    constructor: {}\n',
];

function configs(): fc.Arbitrary<string> {
  const sample = fc.constant(SAMPLE as unknown);
  return fc.oneof(
    { weight: 6, arbitrary: mutatedJson(sample).map((value) => stringify(value)) },
    { weight: 6, arbitrary: mutatedText(fc.constant(stringify(SAMPLE))) },
    {
      weight: 4,
      arbitrary: fc
        .record({ section: fc.constantFrom('server', 'sessions', 'push'), value: fc.jsonValue({ maxDepth: 3 }) })
        .map(({ section, value }) => stringify({ ...SAMPLE, [section]: value })),
    },
    // The traps cost up to a second each (the yaml library's recursion), so they are a small share.
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom(...YAML_TRAPS), fc.tuple(fc.constantFrom(...YAML_TRAPS), fc.string({ maxLength: 20 })).map(([trap, tail]) => trap + tail)) },
    { weight: 4, arbitrary: anyText },
  );
}

export const configSurface: FuzzSurface = {
  name: 'config: parseConfig (YAML)',
  runs: 15_000,
  sliceRuns: 200,
  property: () =>
    fc.property(configs(), (text) => {
      const config = acceptOrReject(() => parseConfig(text, 'fuzz.yaml'), ['CONFIG_INVALID']);
      if (config === undefined) return;
      if (typeof config.server.port !== 'number' || typeof config.sessions.cols !== 'number' || typeof config.push.enabled !== 'boolean') {
        throw new Error('accepted a config without its defaults');
      }
    }),
};
