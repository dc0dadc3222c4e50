/**
 * Row 10 of issue 10 in the web UI's pure helpers: OSC 8 links open only http(s), and hidden
 * characters in prompts are split out for the approval sheet's marks.
 */
import { describe, expect, it } from 'vitest';
import { splitHiddenCharacters } from '../src/common/hiddenCharacters.js';
import { isWebLink, terminalLinkHandler } from '../web/src/links.js';

describe('terminal links', () => {
  it('open web pages only', () => {
    const opened: string[] = [];
    const handler = terminalLinkHandler((url) => opened.push(url));
    expect(handler.allowNonHttpProtocols).toBe(false);
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,<script>', 'vscode://x', 'smb://h/s', 'not a url', 'https://example.com/a', 'http://127.0.0.1:7878/']) {
      handler.activate({}, url);
    }
    expect(opened).toEqual(['https://example.com/a', 'http://127.0.0.1:7878/']);
    expect(isWebLink('HTTPS://EXAMPLE.COM')).toBe(true);
  });
});

describe('hidden characters on the approval sheet', () => {
  it('splits out each bidi control and invisible character with its code point', () => {
    expect(splitHiddenCharacters('rm -rf /tmp/\u202eexe.cod\u202c ok\u200b')).toEqual([
      { text: 'rm -rf /tmp/' },
      { hidden: '\u202e', codePoint: 'U+202E' },
      { text: 'exe.cod' },
      { hidden: '\u202c', codePoint: 'U+202C' },
      { text: ' ok' },
      { hidden: '\u200b', codePoint: 'U+200B' },
    ]);
    expect(splitHiddenCharacters('tag \u{e0041}!')).toEqual([{ text: 'tag ' }, { hidden: '\u{e0041}', codePoint: 'U+E0041' }, { text: '!' }]);
    expect(splitHiddenCharacters('⚠️ ❯ plain')).toEqual([{ text: '⚠️ ❯ plain' }]);
  });
});
