import { describe, expect, it } from 'vitest';
import { mapAnswer, mapApproval, splitKeys } from './answerMapper.js';
import type { PromptInfo } from '../common/index.js';
import { claudeParser } from '../../parsers/claude/claudeParser.js';
import { screenDumps } from '../../test/support/screenDumps.js';

/** The prompt the Claude parser reads on a real screen dump (parsers/claude/testdata). */
function claudePrompt(name: string): PromptInfo {
  const verdict = claudeParser.parse(screenDumps('claude').loadScreen(name), 0);
  if (verdict.state !== 'waiting') throw new Error(`${name}: ${verdict.state}`);
  return verdict.prompt;
}

const bash: PromptInfo = {
  waitType: 'tool_approval',
  content: 'Bash command',
  options: [
    { id: '1', label: 'Yes', keys: '1' },
    { id: '2', label: "Yes, and don't ask again for npm test commands", keys: '2' },
    { id: '3', label: 'No', keys: '3' },
  ],
  cancelKeys: '\x1b',
  acceptsText: false,
};
const question: PromptInfo = {
  waitType: 'clarifying_question',
  content: 'Which auth method?',
  options: [
    { id: '1', label: 'OAuth', keys: '1' },
    { id: '2', label: 'Type something.', keys: '2', acceptsText: true },
  ],
  cancelKeys: '\x1b',
  acceptsText: true,
};

describe('mapApproval', () => {
  it('maps yes, always and no by label, not by position', () => {
    expect(mapApproval(bash, 'yes')).toEqual([{ write: '1' }]);
    expect(mapApproval(bash, 'yes_always')).toEqual([{ write: '2' }]);
    expect(mapApproval(bash, 'no')).toEqual([{ write: '3' }]);
    const reordered = { ...bash, options: [bash.options[2], bash.options[0]].map((o, i) => ({ ...o, keys: String(i + 1), id: String(i + 1) })) };
    expect(mapApproval(reordered, 'yes')).toEqual([{ write: '2' }]);
  });

  it('falls back to yes when there is no always option, and to the cancel key when there is no plain No', () => {
    const plain = { ...bash, options: [bash.options[0], { id: '2', label: 'No, keep planning', keys: '2', acceptsText: true }] };
    expect(mapApproval(plain, 'yes_always')).toEqual([{ write: '1' }]);
    expect(mapApproval(plain, 'no')[0]).toEqual({ write: '\x1b' });
  });

  it('uses the roles a parser gave its options before any label', () => {
    const gemini: PromptInfo = {
      ...bash,
      options: [
        { id: '1', label: 'Allow once', keys: '1', role: 'approve' },
        { id: '2', label: 'Allow for this session', keys: '2', role: 'approve_always' },
        { id: '3', label: 'No, suggest changes (esc)', keys: '\x1b', role: 'deny' },
      ],
    };
    expect(mapApproval(gemini, 'yes')).toEqual([{ write: '1' }]);
    expect(mapApproval(gemini, 'yes_always')).toEqual([{ write: '2' }]);
    expect(mapApproval(gemini, 'no')).toEqual([{ write: '\x1b' }]);
  });

  it('refuses an approval for a prompt without Yes', () => {
    expect(() => mapApproval(question, 'yes')).toThrow(expect.objectContaining({ code: 'OPTION_NOT_FOUND' }));
  });
});

describe('mapAnswer', () => {
  it('picks an option by id', () => {
    expect(mapAnswer(question, { optionId: '1' }, 150)).toEqual([{ write: '1' }]);
  });

  it('types free text into the text option, then submits it with \\r (never \\n) once it shows', () => {
    const steps = mapAnswer(question, { text: 'use passkeys' }, 150);
    expect(steps).toEqual([{ write: '2' }, { pauseMs: 120 }, { type: { body: 'use passkeys', text: 'use passkeys', submitKey: '\r', submitDelayMs: 150, pasted: false } }]);
  });

  it('types into the idle box directly, expecting the idle box on screen; a multi-line text goes as a bracketed paste when the CLI enabled it', () => {
    const idle: PromptInfo = { waitType: 'awaiting_response', content: '', options: [], acceptsText: true };
    const expectWaitType = 'awaiting_response';
    expect(mapAnswer(idle, { text: 'next task' }, 100)).toEqual([{ type: { body: 'next task', text: 'next task', submitKey: '\r', submitDelayMs: 100, pasted: false, expectWaitType } }]);
    expect(mapAnswer(idle, { text: 'a\nb' }, 100, true)).toEqual([{ type: { body: '\x1b[200~a\nb\x1b[201~', text: 'a\nb', submitKey: '\r', submitDelayMs: 100, pasted: true, expectWaitType } }]);
    expect(mapAnswer(idle, { text: 'a\nb' }, 100, false)).toEqual([{ type: { body: 'a b', text: 'a b', submitKey: '\r', submitDelayMs: 100, pasted: false, expectWaitType } }]);
  });

  it('marks text for a secret box as a secret, and expects no wait type on a prompt of the fallback reader', () => {
    const apiKey: PromptInfo = { waitType: 'clarifying_question', kind: 'api_key', content: 'API key', options: [], acceptsText: true, sensitive: true };
    expect(mapAnswer(apiKey, { text: 'sk-1' }, 100)).toEqual([{ type: { body: 'sk-1', text: 'sk-1', submitKey: '\r', submitDelayMs: 100, pasted: false, expectWaitType: 'clarifying_question', secret: true } }]);
    const guessed: PromptInfo = { waitType: 'awaiting_response', content: '', options: [], acceptsText: true, confidence: 'low' };
    expect(mapAnswer(guessed, { text: 'go' }, 100)).toEqual([{ type: { body: 'go', text: 'go', submitKey: '\r', submitDelayMs: 100, pasted: false } }]);
  });

  it('refuses an option that is not on screen', () => {
    expect(() => mapAnswer(question, { optionId: '9' }, 150)).toThrow(expect.objectContaining({ code: 'OPTION_NOT_FOUND' }));
  });
});

describe('keys of options read off real Claude Code 2.1.332 screens', () => {
  it('answers the four-option Bash dialog: yes 1, always 2 (never the switch to auto mode), no 4', () => {
    const prompt = claudePrompt('2.1.332-bash-approval.120x40');
    expect(mapApproval(prompt, 'yes')).toEqual([{ write: '1' }]);
    expect(mapApproval(prompt, 'yes_always')).toEqual([{ write: '2' }]);
    expect(mapApproval(prompt, 'no')).toEqual([{ write: '4' }]);
    expect(mapAnswer(prompt, { optionId: '3' }, 150)).toEqual([{ write: '3' }]);
  });

  it('moves the focus as drawn, one key per write, for the unnumbered No / Yes prompt', () => {
    const noFocused = claudePrompt('2.1.332-auto-stay-0.120x40');
    expect(mapApproval(noFocused, 'yes')).toEqual([{ write: '\x1b[B' }, { pauseMs: 50 }, { write: '\r' }]);
    expect(mapApproval(noFocused, 'no')).toEqual([{ write: '\r' }]);
    const yesFocused = claudePrompt('2.1.332-auto-stay-prompt-down.120x40');
    expect(mapApproval(yesFocused, 'yes')).toEqual([{ write: '\r' }]);
    expect(mapApproval(yesFocused, 'no')).toEqual([{ write: '\x1b[A' }, { pauseMs: 50 }, { write: '\r' }]);
  });

  it('answers the footer-only auto-mode dialog with its keys', () => {
    const prompt = claudePrompt('2.1.332-auto-risky-0.120x40');
    expect(mapApproval(prompt, 'yes')).toEqual([{ write: '\r' }]);
    expect(mapApproval(prompt, 'no')).toEqual([{ write: '\x1b' }]);
    expect(mapApproval(prompt, 'yes_always')).toEqual([{ write: '\r' }]);
    expect(mapAnswer(prompt, { optionId: 'leave-for-accept-edits-mode-and-stop' }, 150)).toEqual([{ write: '\x1b[Z' }]);
  });

  it('picks the trust dialog\'s Yes with ↓ Enter (No, exit is focused) and the nudge\'s No without a digit', () => {
    expect(mapApproval(claudePrompt('2.1.332-trust-0.120x40'), 'yes')).toEqual([{ write: '\x1b[B' }, { pauseMs: 50 }, { write: '\r' }]);
    const nudge = claudePrompt('2.1.332-auto-default-nudge.120x40');
    expect(mapAnswer(nudge, { optionId: 'no-keep-manual-mode' }, 150)).toEqual([{ write: '\x1b[B' }, { pauseMs: 50 }, { write: '\r' }]);
  });
});

describe('splitKeys', () => {
  it('keeps escape sequences whole and splits the rest into keys', () => {
    expect(splitKeys('\x1b[B\x1b[B\r')).toEqual(['\x1b[B', '\x1b[B', '\r']);
    expect(splitKeys('\x1b')).toEqual(['\x1b']);
    expect(splitKeys('\x1b[Z')).toEqual(['\x1b[Z']);
    expect(splitKeys('\x1bOA2')).toEqual(['\x1bOA', '2']);
    expect(splitKeys('\r\r')).toEqual(['\r', '\r']);
  });
});
