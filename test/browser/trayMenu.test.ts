/**
 * The Electron tray's menu model under plain Node (no Electron binary here): status from the
 * sessions, the menu's rows and actions, and when a prompt raises a native notification.
 */
import { describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../src/common/events.js';
import { buildTrayMenu, isExternalUrlAllowed, isSameOrigin, MAX_MENU_SESSIONS, notificationContent, sessionLabel, shouldNotify, trayStatus } from '../../electron/menuModel.js';

function session(id: string, overrides: Partial<SessionInfo> = {}): SessionInfo {
  return {
    id,
    name: `claude · ${id}`,
    cli_type: 'claude',
    command: 'claude',
    args: [],
    cwd: `/home/ada/${id}`,
    cols: 120,
    rows: 40,
    status: 'running',
    exit_code: null,
    created_at: `2026-11-21T11:00:0${id.length % 10}.000Z`,
    updated_at: '2026-11-21T11:00:00.000Z',
    waiting: null,
    ...overrides,
  };
}
const waiting = (waitType: 'tool_approval' | 'plan_approval' | 'clarifying_question' | 'awaiting_response') => ({ prompt_id: 'p', wait_type: waitType });

describe('tray status', () => {
  it('is idle with no sessions or only idle/exited ones', () => {
    expect(trayStatus([]).kind).toBe('idle');
    expect(trayStatus([session('a', { waiting: waiting('awaiting_response') }), session('b', { status: 'exited', exit_code: 0 })])).toMatchObject({ kind: 'idle', title: '' });
  });
  it('is busy while an agent works', () => {
    expect(trayStatus([session('a'), session('b', { waiting: waiting('awaiting_response') })])).toMatchObject({ kind: 'busy', waitingCount: 0 });
  });
  it('counts sessions waiting for a decision', () => {
    const status = trayStatus([session('a', { waiting: waiting('tool_approval') }), session('b', { waiting: waiting('clarifying_question') }), session('c')]);
    expect(status).toMatchObject({ kind: 'waiting', waitingCount: 2, title: '2' });
    expect(status.tooltip).toContain('2 waiting');
  });
});

describe('tray menu', () => {
  it('lists waiting sessions first with their mark, then the fixed entries', () => {
    const menu = buildTrayMenu({ sessions: [session('idle', { waiting: waiting('awaiting_response') }), session('ask', { waiting: waiting('plan_approval') })], startAtLogin: true });
    const labels = menu.map((entry) => entry.label);
    expect(labels[1]).toBe('● claude · ask — waiting (plan)');
    expect(labels[2]).toBe('  claude · idle — idle');
    expect(menu[1].action).toEqual({ kind: 'open-session', sessionId: 'ask' });
    expect(labels.slice(-7, -1)).toEqual(['', 'New session…', 'Pair phone…', 'Open dashboard', '', 'Start at login']);
    const login = menu.find((entry) => entry.label === 'Start at login')!;
    expect(login).toMatchObject({ type: 'checkbox', checked: true, action: { kind: 'toggle-start-at-login' } });
    expect(menu.at(-1)).toMatchObject({ label: 'Quit Tether', action: { kind: 'quit' } });
  });
  it('says so when there are no sessions, and caps a long list', () => {
    expect(buildTrayMenu({ sessions: [], startAtLogin: false }).map((e) => e.label)).toContain('  No sessions');
    const many = Array.from({ length: MAX_MENU_SESSIONS + 3 }, (_, index) => session(`s${index}`));
    const menu = buildTrayMenu({ sessions: many, startAtLogin: false });
    expect(menu.filter((entry) => entry.action?.kind === 'open-session')).toHaveLength(MAX_MENU_SESSIONS);
    expect(menu.find((entry) => entry.label === '  3 more…')?.action).toEqual({ kind: 'open-dashboard' });
  });
  it('labels exited and working sessions', () => {
    expect(sessionLabel(session('x', { status: 'exited', exit_code: 1 }))).toBe('  claude · x (exited)');
    expect(sessionLabel(session('y'))).toBe('  claude · y — working');
  });
});

describe('native notifications', () => {
  const prompt = { session_id: 'a', wait_type: 'tool_approval' };
  it('notify when no window shows the session', () => {
    expect(shouldNotify(prompt, [])).toBe(true);
    expect(shouldNotify(prompt, [{ kind: 'session', sessionId: 'b' }, { kind: 'pairing' }])).toBe(true);
  });
  it('stay quiet when the dashboard or that session is visible, or for an idle prompt', () => {
    expect(shouldNotify(prompt, [{ kind: 'dashboard' }])).toBe(false);
    expect(shouldNotify(prompt, [{ kind: 'session', sessionId: 'a' }])).toBe(false);
    expect(shouldNotify({ session_id: 'a', wait_type: 'awaiting_response' }, [])).toBe(false);
  });
});

describe('row 10: links and notifications from untrusted text', () => {
  it('opens only http(s) links externally and keeps windows on the daemon', () => {
    for (const url of ['https://example.com/docs', 'http://192.168.1.20:7878/pair#code=X']) expect(isExternalUrlAllowed(url)).toBe(true);
    for (const url of ['file:///etc/passwd', 'smb://host/share', 'javascript:alert(1)', 'vscode://file/x', 'ms-settings:', 'not a url', '']) {
      expect(isExternalUrlAllowed(url), url).toBe(false);
    }
    expect(isSameOrigin('http://127.0.0.1:7878/desktop', 'http://127.0.0.1:7878')).toBe(true);
    expect(isSameOrigin('https://evil.example/', 'http://127.0.0.1:7878')).toBe(false);
    expect(isSameOrigin('::', 'http://127.0.0.1:7878')).toBe(false);
  });

  it('escapes notification markup on Linux only', () => {
    const prompt = { wait_type: 'tool_approval', tool_name: 'Bash', cli_type: 'claude', prompt_content: 'Bash command\n<a href="https://evil.example">click</a> & <b>approve</b>\nDo you want to proceed?' };
    const linux = notificationContent(prompt, 'claude · app', 'linux');
    expect(linux.title).toBe('Bash needs approval');
    expect(linux.body).toBe('claude · app\nBash command\n&lt;a href=&quot;https://evil.example&quot;&gt;click&lt;/a&gt; &amp; &lt;b&gt;approve&lt;/b&gt;\nDo you want to proceed?');
    expect(notificationContent(prompt, 'claude · app', 'darwin').body).toContain('<a href="https://evil.example">');
  });
});
