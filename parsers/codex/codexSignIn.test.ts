import { describe, expect, it } from 'vitest';
import type { PromptInfo, ScreenSnapshot } from '../../src/common/index.js';
import { screenDumps } from '../../test/support/screenDumps.js';
import { codexCli } from './codexCli.js';
import { codexParser } from './codexParser.js';

const { loadScreen } = screenDumps('codex');

const promptOf = (screen: ScreenSnapshot): PromptInfo => {
  const verdict = codexParser.parse(screen, 0);
  if (verdict.state !== 'waiting') throw new Error(`not waiting: ${verdict.state}`);
  return verdict.prompt;
};

describe('codexParser on the first-run and trust screens (0.169.0 and 0.171.0 draw the same)', () => {
  it('reads the sign-in choice: ASCII `>` pointer, description rows under each option, digits pick', () => {
    for (const name of ['signin-welcome.120x40', 'signin-welcome-down.120x40']) {
      const prompt = promptOf(loadScreen(name));
      expect(prompt).toMatchObject({ waitType: 'clarifying_question', kind: 'sign_in', acceptsText: false, cancelKeys: '\x1b' });
      expect(prompt.content).toBe("Welcome to Codex, OpenAI's command-line coding agent\nChoose how you want to use Codex.");
      expect(prompt.options.map((o) => [o.keys, o.label])).toEqual([
        ['1', 'Sign in with ChatGPT'],
        ['2', 'Sign in with Device Code'],
        ['3', 'Sign in another way'],
      ]);
    }
  });

  it('reads "Sign in another way" with its two footer rows', () => {
    const prompt = promptOf(loadScreen('signin-another-way.120x40'));
    expect(prompt.kind).toBe('sign_in');
    expect(prompt.options.map((o) => o.label)).toEqual(['Use an OpenAI API key', 'Use Amazon Bedrock']);
  });

  it('reads the API-key box as a sensitive text question whose content never holds the typed key', () => {
    const empty = promptOf(loadScreen('signin-apikey-box.120x40'));
    const typed = promptOf(loadScreen('signin-apikey-typed.120x40'));
    for (const prompt of [empty, typed]) {
      expect(prompt).toMatchObject({ waitType: 'clarifying_question', kind: 'api_key', acceptsText: true, sensitive: true, options: [] });
      expect(prompt.content).toContain('Use your own OpenAI API key for usage-based billing');
    }
    expect(typed.content).toBe(empty.content);
    expect(typed.content).not.toContain('xx-test-key');
    expect(empty.content).not.toContain('Paste or type your API key\n');
  });

  it('reads the trust screen of an untrusted git project with roles; Enter on the focus answers it (digits do not)', () => {
    const prompt = promptOf(loadScreen('trust-git.120x40'));
    expect(prompt).toMatchObject({ waitType: 'tool_approval', kind: 'trust_folder' });
    expect(prompt.options.map((o) => [o.keys, o.label, o.role])).toEqual([
      ['\r', 'Trust and continue', 'approve'],
      ['\x1b[B\r', 'Back to Agent Command Center', 'deny'],
    ]);
  });

  it('reports nothing while loading, on the browser sign-in, the device-code request and the command center', () => {
    for (const name of ['0.171.0-loading.120x40', 'loading-after-apikey.120x40', '0.171.0-chatgpt-1.120x40', '0.171.0-device-2.120x40', '0.171.0-trust-git-after-esc.120x40']) {
      expect(codexParser.parse(loadScreen(name), 0).state, name).toBe('unknown');
    }
  });

  it('reads its version off the banner', () => {
    expect(codexCli.versions?.fromScreen?.(loadScreen('0.171.0-loading.120x40'))).toBe('0.171.0');
    expect(codexCli.versions?.fromScreen?.(loadScreen('idle-ready.120x40'))).toBe('0.169.0');
  });
});
