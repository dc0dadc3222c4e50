/**
 * readYaml refuses, with CONFIG_INVALID, the YAML a config never needs: collection keys (which
 * the yaml library stringifies in time exponential in their nesting), deep nesting, alias
 * bombs, several documents, syntax errors.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';
import { readYaml } from './yamlText.js';

function rejection(text: string): string {
  try {
    readYaml(text, 'test.yaml');
  } catch (err) {
    expect(err).toMatchObject({ code: 'CONFIG_INVALID' });
    return (err as Error).message;
  }
  throw new Error('accepted');
}

describe('readYaml', () => {
  it('reads plain YAML', () => {
    expect(readYaml('server:\n  port: 1\nlist: [a, b]\n', 'test.yaml')).toEqual({ server: { port: 1 }, list: ['a', 'b'] });
    expect(readYaml('', 'test.yaml')).toEqual({});
    expect(parseConfig('sessions:\n  max_running: 4\n').sessions.max_running).toBe(4);
  });

  it('refuses keys that are lists or maps, however deep', () => {
    expect(rejection('{[a]: 1}\n')).toMatch(/keys must be plain names/);
    expect(rejection(`${'{'.repeat(300)}${'}'.repeat(300)}\n`)).toMatch(/keys must be plain names/);
  });

  it('refuses nesting past 64 levels and overflowing recursion', () => {
    expect(rejection(`${'- '.repeat(100)}x\n`)).toMatch(/nested deeper than 64 levels/);
    expect(rejection(`${'['.repeat(20_000)}${']'.repeat(20_000)}\n`)).toMatch(/not valid YAML/);
  });

  it('refuses alias bombs, several documents and syntax errors', () => {
    const bomb = 'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n';
    expect(rejection(bomb)).toMatch(/alias/i);
    expect(rejection('a: 1\n---\nb: 2\n')).toMatch(/not valid YAML/);
    expect(rejection('a: [1, 2\n')).toMatch(/not valid YAML/);
  });
});
