import { describe, expect, it } from 'vitest';
import { mapAnswer, mapApproval } from './answerMapper.js';
import type { PromptInfo } from '../common/index.js';

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

  it('types free text into the text option, pauses, and submits with \\r (never \\n)', () => {
    const steps = mapAnswer(question, { text: 'use passkeys' }, 150);
    expect(steps).toEqual([{ write: '2' }, { pauseMs: 120 }, { write: 'use passkeys' }, { pauseMs: 150 }, { write: '\r' }]);
  });

  it('types into the idle box directly', () => {
    const idle: PromptInfo = { waitType: 'awaiting_response', content: '', options: [], acceptsText: true };
    expect(mapAnswer(idle, { text: 'next task' }, 100)).toEqual([{ write: 'next task' }, { pauseMs: 100 }, { write: '\r' }]);
  });

  it('refuses an option that is not on screen', () => {
    expect(() => mapAnswer(question, { optionId: '9' }, 150)).toThrow(expect.objectContaining({ code: 'OPTION_NOT_FOUND' }));
  });
});
