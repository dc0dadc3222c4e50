/** What raw input that clears a prompt is reported as (`waiting_cleared.response`). */
import { describe, expect, it } from 'vitest';
import { keyResponse } from './detectionPipeline.js';

const prompt = { options: [{ keys: '1' }, { keys: 'y' }, { keys: '\x1b[B\x1b[B\r' }], cancelKeys: '\x1b' };

describe('keyResponse', () => {
  it('reports option keys, the cancel key and single keys as they are', () => {
    expect(keyResponse('1', prompt)).toBe('1');
    expect(keyResponse('y', prompt)).toBe('y');
    expect(keyResponse('\x1b[B\x1b[B\r', prompt)).toBe('\x1b[B\x1b[B\r');
    expect(keyResponse('\x1b', undefined)).toBe('\x1b');
    expect(keyResponse('\r', undefined)).toBe('\r');
    expect(keyResponse('\x1b[A', undefined)).toBe('\x1b[A');
    expect(keyResponse('\x03', undefined)).toBe('\x03');
  });

  it('reports typed text as input, so what the user types stays private', () => {
    expect(keyResponse('s', undefined)).toBe('input');
    expect(keyResponse('2', prompt)).toBe('input');
    expect(keyResponse('my secret plan', prompt)).toBe('input');
    expect(keyResponse('\x1b[200~pasted text\x1b[201~', prompt)).toBe('input');
  });
});
