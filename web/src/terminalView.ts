/**
 * A session's terminal in xterm.js. Read-only (the phone) shows the session at its own size
 * with a key bar (Esc, Tab, ↑, ↓, Ctrl-C, Enter) and a message box that sends text the way
 * the CLI needs (`send_input`, typed then submitted); interactive (the desktop) forwards every
 * keystroke raw and resizes the session to fit its pane.
 */
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import type { Connection, ServerMessage } from './connection.js';
import { h } from './dom.js';
import { terminalLinkHandler } from './links.js';

/** Keys of the phone's key bar: label → bytes. */
const KEYS: ReadonlyArray<readonly [string, string, string]> = [
  ['Esc', '\u001b', 'Escape'],
  ['Tab', '\t', 'Tab'],
  ['↑', '\u001b[A', 'Up'],
  ['↓', '\u001b[B', 'Down'],
  ['Ctrl-C', '\u0003', 'Control C'],
  ['Enter', '\r', 'Enter'],
];

function theme(): Record<string, string> {
  const dark = matchMedia('(prefers-color-scheme: dark)').matches;
  return dark
    ? { background: '#0f1115', foreground: '#e6e6e6', cursor: '#e6e6e6', selectionBackground: '#3a4660' }
    : { background: '#ffffff', foreground: '#1d1f24', cursor: '#1d1f24', selectionBackground: '#bcd3ff' };
}

/** A mounted terminal. */
export interface TerminalView {
  readonly element: HTMLElement;
  /** The rendered text of the buffer (tests and screenshots read it). */
  text(): string;
  focus(): void;
  dispose(): void;
}

/** Mounts a terminal for `sessionId`; subscribes on creation and unsubscribes on dispose. */
export function createTerminalView(connection: Connection, sessionId: string, options: { interactive: boolean }): TerminalView {
  const session = connection.sessions.get(sessionId);
  const terminal = new Terminal({
    cols: session?.cols ?? 120,
    rows: session?.rows ?? 40,
    fontSize: options.interactive ? 13 : 11,
    fontFamily: 'ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace',
    disableStdin: !options.interactive,
    cursorBlink: options.interactive,
    scrollback: 2000,
    theme: theme(),
    allowProposedApi: false,
    // OSC 8 links from the session's output: web pages only, never the page's own window.
    linkHandler: terminalLinkHandler((url) => window.open(url, '_blank', 'noopener,noreferrer')),
  });
  const screen = h('div', { class: 'terminal-screen', 'data-session': sessionId });
  const element = h('div', { class: `terminal-view ${options.interactive ? 'interactive' : 'readonly'}` }, screen);
  const disposers: Array<() => void> = [];
  let fit: FitAddon | undefined;

  if (options.interactive) {
    fit = new FitAddon();
    terminal.loadAddon(fit);
    const typed = terminal.onData((data) => connection.send({ type: 'send_input', session_id: sessionId, text: data, raw: true }));
    const resized = terminal.onResize(({ cols, rows }) => connection.send({ type: 'resize', session_id: sessionId, cols, rows }));
    const observer = new ResizeObserver(() => {
      if (screen.clientWidth > 0 && screen.clientHeight > 0) fit?.fit();
    });
    observer.observe(screen);
    disposers.push(() => typed.dispose(), () => resized.dispose(), () => observer.disconnect());
  } else {
    const send = (text: string, raw: boolean): void => connection.send({ type: 'send_input', session_id: sessionId, text, ...(raw ? { raw: true } : {}) });
    const keyBar = h('div', { class: 'key-bar', role: 'toolbar', 'aria-label': 'Keys' });
    for (const [label, bytes, name] of KEYS) keyBar.append(h('button', { class: 'key', 'aria-label': name, onclick: () => send(bytes, true) }, label));
    const input = h('input', { type: 'text', name: 'message', placeholder: 'Message…', autocomplete: 'off', enterkeyhint: 'send', 'aria-label': 'Message' });
    const form = h(
      'form',
      {
        class: 'message-box',
        onsubmit: (event: Event) => {
          event.preventDefault();
          if (input.value === '') return;
          send(input.value, false);
          input.value = '';
        },
      },
      input,
      h('button', { type: 'submit', class: 'send' }, 'Send'),
    );
    element.append(keyBar, form);
  }

  terminal.open(screen);
  const removeOutput = connection.on('output', (message: ServerMessage) => {
    if (message.session_id !== sessionId) return;
    // `screen` answers subscribe; `resync` replaces output the daemon dropped while this client lagged.
    if (message.type === 'screen' || message.type === 'resync') {
      terminal.reset();
      const current = connection.sessions.get(sessionId);
      if (!options.interactive && current) terminal.resize(current.cols, current.rows);
    }
    terminal.write(String(message.data));
  });
  disposers.push(removeOutput);
  connection.subscribe(sessionId);
  if (fit) requestAnimationFrame(() => fit?.fit());

  return {
    element,
    text() {
      const buffer = terminal.buffer.active;
      const lines: string[] = [];
      for (let row = 0; row < buffer.length; row++) lines.push(buffer.getLine(row)?.translateToString(true) ?? '');
      return lines.join('\n');
    },
    focus: () => terminal.focus(),
    dispose() {
      connection.unsubscribe(sessionId);
      for (const dispose of disposers) dispose();
      terminal.dispose();
    },
  };
}
