/**
 * The redaction of the voices samples: study paths, ports and mock keys become fixed
 * placeholders, Claude's project slug follows the path, and long strings are cut with a marker.
 */
import { describe, expect, it } from 'vitest';
import { cutLongStrings, MAX_ARRAY, MAX_STRING, PLACEHOLDERS, redactJsonl, redactText } from './redact.js';

describe('redactText', () => {
  it('maps the study folders, the sink and model URLs, the repository and the mock keys', () => {
    const text = [
      '/tmp/tether-voices/claude/home/.claude/projects/-tmp-tether-voices-claude-project/x.jsonl',
      'cwd=/tmp/tether-voices/claude/project',
      'url=http://127.0.0.1:44499/hook/http/PreToolUse base=http://127.0.0.1:39111/v1',
      'cmd=/repo/test/record/voices/forward.mjs settings=/tmp/tether-voices/claude/tether-claude-settings.json',
      'key=sk-ant-api03-tether-mock-key-0000-AAAA token=voices-study-token',
      'connect ECONNREFUSED 127.0.0.1:44061',
    ].join('\n');
    expect(redactText(text, 'claude', '/repo').split('\n')).toEqual([
      `${PLACEHOLDERS.home}/.claude/projects/-home-user-project/x.jsonl`,
      `cwd=${PLACEHOLDERS.project}`,
      `url=${PLACEHOLDERS.daemon}/hook/http/PreToolUse base=${PLACEHOLDERS.model}/v1`,
      `cmd=${PLACEHOLDERS.repo}/test/record/voices/forward.mjs settings=/run/tether/tether-claude-settings.json`,
      `key=${PLACEHOLDERS.secret} token=${PLACEHOLDERS.secret}-token`,
      'connect ECONNREFUSED 127.0.0.1:4100',
    ]);
  });

  it('leaves other CLIs\' folders alone', () => {
    expect(redactText('/tmp/tether-voices/codex/project', 'claude', '/repo')).toBe('/tmp/tether-voices/codex/project');
  });
});

describe('cutLongStrings and redactJsonl', () => {
  it('cuts long strings anywhere in a value and keeps short ones', () => {
    const long = 'x'.repeat(MAX_STRING + 10);
    expect(cutLongStrings({ a: [long, 'short'], b: 3 })).toEqual({ a: [`${'x'.repeat(MAX_STRING)}…[cut 10 chars]`, 'short'], b: 3 });
  });

  it('cuts long arrays after their first items', () => {
    const items = Array.from({ length: MAX_ARRAY + 3 }, (_, index) => index);
    expect(cutLongStrings({ list: items })).toEqual({ list: [...items.slice(0, MAX_ARRAY), '…[cut 3 items]'] });
  });

  it('redacts JSONL line by line, keeps lines that are not JSON, drops blank lines', () => {
    const jsonl = `${JSON.stringify({ cwd: '/tmp/tether-voices/qwen/project' })}\n\nnot json /tmp/tether-voices/qwen/home\n`;
    expect(redactJsonl(jsonl, 'qwen', '/repo')).toBe(`{"cwd":"${PLACEHOLDERS.project}"}\nnot json ${PLACEHOLDERS.home}\n`);
  });
});
