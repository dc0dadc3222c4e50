/**
 * Redaction of the voices study's captures before they become test data: temp paths, ports and
 * mock keys are replaced consistently, long strings are cut with a marker (the shapes matter,
 * not the system prompts), and the sink's own URLs become one fixed daemon URL.
 */

/** The placeholders the samples use (documented in test/data/voices/README.md). */
export const PLACEHOLDERS = {
  home: '/home/user',
  project: '/home/user/project',
  repo: '/opt/tether',
  daemon: 'http://127.0.0.1:4100',
  model: 'http://127.0.0.1:4200',
  secret: 'REDACTED',
} as const;

/** Strings longer than this (characters) are cut: system prompts and tool lists are not the point. */
export const MAX_STRING = 400;

/** Literal replacements, longest first, for one CLI's study folder. */
function replacements(cli: string, repoRoot: string): Array<[RegExp, string]> {
  const root = `/tmp/tether-voices/${cli}`;
  const slug = (text: string): string => text.replace(/[^A-Za-z0-9]/g, '-');
  return [
    [new RegExp(escape(`${root}/home`), 'g'), PLACEHOLDERS.home],
    [new RegExp(escape(`${root}/project`), 'g'), PLACEHOLDERS.project],
    [new RegExp(escape(slug(`${root}/project`)), 'g'), slug(PLACEHOLDERS.project)],
    [new RegExp(escape(`tmp/tether-voices/${cli}/project`), 'g'), PLACEHOLDERS.project.slice(1)],
    [new RegExp(escape(root), 'g'), '/run/tether'],
    [new RegExp(escape(repoRoot), 'g'), PLACEHOLDERS.repo],
    [/http:\/\/127\.0\.0\.1:\d+\/hook/g, `${PLACEHOLDERS.daemon}/hook`],
    // Every other loopback URL is the mock model's (the daemon's placeholder is already in place).
    [/http:\/\/127\.0\.0\.1:(?!4100\b)\d+/g, PLACEHOLDERS.model],
    // A bare address is the sink's in an error text ("connect ECONNREFUSED 127.0.0.1:PORT").
    [/(?<!\/\/)127\.0\.0\.1:(?!4[12]00\b)\d+/g, PLACEHOLDERS.daemon.slice('http://'.length)],
    [/sk-ant-api03-tether-mock-key-[A-Za-z0-9-]+/g, PLACEHOLDERS.secret],
    [/sk-tether-mock(-key)?/g, PLACEHOLDERS.secret],
    [/tether-mock-gemini-key/g, PLACEHOLDERS.secret],
    [/voices-study/g, PLACEHOLDERS.secret],
  ];
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces the study's paths, ports and keys in `text`. */
export function redactText(text: string, cli: string, repoRoot: string): string {
  let out = text;
  for (const [pattern, value] of replacements(cli, repoRoot)) out = out.replace(pattern, value);
  return out;
}

/** Arrays longer than this are cut (tool lists, request shapes): the first items show the shape. */
export const MAX_ARRAY = 16;

/** Cuts strings longer than {@link MAX_STRING} and arrays longer than {@link MAX_ARRAY} inside a JSON value, keeping the start and a marker. */
export function cutLongStrings(value: unknown, max = MAX_STRING): unknown {
  if (typeof value === 'string') return value.length > max ? `${value.slice(0, max)}…[cut ${value.length - max} chars]` : value;
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_ARRAY).map((item) => cutLongStrings(item, max));
    return value.length > MAX_ARRAY ? [...kept, `…[cut ${value.length - MAX_ARRAY} items]`] : kept;
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key, cutLongStrings(inner, max)]));
  }
  return value;
}

/** Redacts one JSON value: paths and keys first (on its text), then long strings. */
export function redactJson(value: unknown, cli: string, repoRoot: string): unknown {
  return cutLongStrings(JSON.parse(redactText(JSON.stringify(value), cli, repoRoot)));
}

/** Redacts a JSONL text line by line; lines that are not JSON are kept as redacted text. */
export function redactJsonl(text: string, cli: string, repoRoot: string): string {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.stringify(redactJson(JSON.parse(line), cli, repoRoot));
      } catch {
        return redactText(line, cli, repoRoot);
      }
    })
    .join('\n')
    .concat('\n');
}
