/**
 * The approval sheet, shared by the phone and desktop views: the title by wait type, the CLI
 * and project, the prompt in monospace, and one big button per answer (Approve / Always /
 * Deny for tool approvals, the real option labels otherwise, and a text field only where the
 * daemon says free text goes: an option with `accepts_text`, or the idle input box). It closes
 * on `waiting_cleared` for its own prompt only; a refused answer to a prompt that is already
 * gone (`STALE_PROMPT`) shows "Already answered". Bidi controls and invisible characters in the
 * prompt or the labels are shown as marks, under a warning, before anyone approves.
 */
import type { WaitingForInputEvent, WireOption } from '../../src/common/events.js';
import { hasHiddenCharacters } from '../../src/common/hiddenCharacters.js';
import { RequestError, type Connection, type ServerMessage } from './connection.js';
import { h, projectName, visibleText, WAIT_TITLES } from './dom.js';

/** Errors meaning the prompt was answered or went away before this answer arrived. */
const GONE_CODES = new Set(['STALE_PROMPT', 'SESSION_EXITED']);

/** An open sheet. */
export interface ApprovalSheet {
  readonly promptId: string;
  readonly sessionId: string;
  /** Removes the sheet now. */
  close(): void;
}

/** What kind of button an option is: from its `role` when the daemon knows it, else from its label. */
function optionTone(option: WireOption): 'approve' | 'always' | 'deny' | 'neutral' {
  if (option.role === 'approve') return 'approve';
  if (option.role === 'approve_always') return 'always';
  if (option.role === 'deny') return 'deny';
  const label = option.label;
  if (/^(no|deny|reject)\b/i.test(label) || /keep planning/i.test(label)) return 'deny';
  if (/always|don't ask again|for (this|the) session|allow all/i.test(label)) return 'always';
  if (/^(yes|approve|allow|proceed)\b/i.test(label)) return 'approve';
  return 'neutral';
}

/**
 * Opens the sheet for `event` in `host` and wires it to `connection`. `onClose` runs once when
 * the sheet goes, whatever the reason.
 */
export function openApprovalSheet(host: HTMLElement, connection: Connection, event: WaitingForInputEvent, onClose: () => void): ApprovalSheet {
  const session = connection.sessions.get(event.session_id);
  const status = h('p', { class: 'sheet-status', role: 'status', 'aria-live': 'polite' });
  const buttons = h('div', { class: 'sheet-buttons' });
  let closed = false;

  const answer = async (message: Record<string, unknown>): Promise<void> => {
    for (const button of sheet.querySelectorAll('button, input')) (button as HTMLButtonElement).disabled = true;
    status.textContent = 'Sending…';
    try {
      await connection.request({ session_id: event.session_id, prompt_id: event.prompt_id, ...message });
      status.textContent = 'Sent';
    } catch (err) {
      const code = err instanceof RequestError ? err.code : 'INTERNAL';
      if (GONE_CODES.has(code)) {
        status.textContent = 'Already answered';
        sheet.classList.add('stale');
        window.setTimeout(close, 2500);
      } else {
        status.textContent = `Could not send: ${(err as Error).message}`;
        for (const button of sheet.querySelectorAll('button, input')) (button as HTMLButtonElement).disabled = false;
      }
    }
  };

  if (event.wait_type === 'tool_approval') {
    const hasAlways = event.options.some((option) => optionTone(option) === 'always');
    const approvalButtons = [
      h('button', { class: 'big approve', 'data-answer': 'yes', onclick: () => void answer({ type: 'tool_approval', response: 'yes' }) }, 'Approve'),
      hasAlways ? h('button', { class: 'big always', 'data-answer': 'yes_always', onclick: () => void answer({ type: 'tool_approval', response: 'yes_always' }) }, 'Always') : null,
      h('button', { class: 'big deny', 'data-answer': 'no', onclick: () => void answer({ type: 'tool_approval', response: 'no' }) }, 'Deny'),
    ];
    buttons.append(...approvalButtons.filter((button): button is HTMLButtonElement => button !== null));
  } else {
    for (const option of event.options) {
      buttons.append(
        h('button', { class: `big option ${optionTone(option)}`, 'data-option': option.id, onclick: () => void answer({ type: 'answer', option_id: option.id }) }, ...visibleText(option.label)),
      );
    }
  }

  // Free text goes where the daemon says it may: the option that opens a text field on the
  // CLI's screen (`accepts_text`), or the idle input box itself (awaiting_response).
  const textOption = event.options.find((option) => option.accepts_text === true);
  const freeText = textOption !== undefined || event.wait_type === 'awaiting_response';
  const textForm = freeText
    ? h(
        'form',
        {
          class: 'sheet-text',
          ...(textOption ? { 'data-option': textOption.id } : {}),
          onsubmit: (submitEvent: Event) => {
            submitEvent.preventDefault();
            const text = input.value.trim();
            if (text !== '') void answer({ type: 'answer', ...(textOption ? { option_id: textOption.id } : {}), text });
          },
        },
        null,
      )
    : null;
  const input = h('input', { type: 'text', name: 'answer', placeholder: 'Type an answer…', autocomplete: 'off', enterkeyhint: 'send' });
  textForm?.append(input, h('button', { type: 'submit', class: 'send' }, 'Send'));

  const title = event.wait_type === 'tool_approval' && event.tool_name ? `Allow ${event.tool_name}?` : (WAIT_TITLES[event.wait_type] ?? 'Waiting');
  // The daemon flags it; older daemons do not, so the text is checked here too.
  const hidden = event.has_hidden_characters === true || hasHiddenCharacters(event.prompt_content) || event.options.some((option) => hasHiddenCharacters(option.label));
  const warning = hidden
    ? h('p', { class: 'sheet-warning', role: 'alert' }, 'This prompt contains hidden or direction-changing characters (marked ⟨U+…⟩). It may not do what it reads as.')
    : null;
  const sheet = h(
    'section',
    { class: 'sheet', role: 'dialog', 'aria-modal': 'true', 'aria-label': title, 'data-prompt': event.prompt_id, 'data-session': event.session_id },
    h('div', { class: 'sheet-grip', 'aria-hidden': 'true' }),
    h('header', {}, h('h2', {}, title), h('button', { class: 'sheet-later', 'aria-label': 'Later', onclick: () => close() }, 'Later')),
    h('p', { class: 'sheet-meta' }, `${event.cli_type} · ${session ? projectName(session.cwd) : event.session_id}`),
    warning,
    h('pre', { class: 'sheet-prompt' }, ...visibleText(event.prompt_content.trim())),
    buttons,
    textForm,
    status,
  );
  const backdrop = h('div', { class: 'sheet-backdrop', onclick: (clickEvent: Event) => clickEvent.target === backdrop && close() }, sheet);
  host.append(backdrop);

  // The expiry: a countdown to the automatic deny, or (notify) a note once the time is up.
  const expiry = h('p', { class: 'sheet-expiry', 'aria-live': 'off' });
  status.before(expiry);
  const expiresAt = event.expires_at === undefined ? NaN : Date.parse(event.expires_at);
  const tick = (): void => {
    const left = Math.max(0, Math.ceil((expiresAt - Date.now()) / 1000));
    if (event.on_timeout === 'deny') expiry.textContent = left > 0 ? `Denied automatically in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}` : 'Denying…';
    else expiry.textContent = left > 0 ? '' : 'Still waiting at the desk';
    expiry.classList.toggle('urgent', event.on_timeout === 'deny' && left <= 15);
  };
  const countdown = Number.isFinite(expiresAt) ? window.setInterval(tick, 1000) : undefined;
  if (countdown !== undefined) tick();

  const removeListener = connection.on('message', (message: ServerMessage) => {
    if (message.type === 'approval_timeout' && message.prompt_id === event.prompt_id && message.action === 'denied') {
      expiry.textContent = 'Denied: no answer in time';
    }
    const gone =
      (message.type === 'waiting_cleared' && message.session_id === event.session_id && message.prompt_id === event.prompt_id) ||
      (message.type === 'session_closed' && message.session_id === event.session_id);
    if (gone) close();
  });

  function close(): void {
    if (closed) return;
    closed = true;
    if (countdown !== undefined) window.clearInterval(countdown);
    removeListener();
    backdrop.remove();
    onClose();
  }

  return { promptId: event.prompt_id, sessionId: event.session_id, close };
}
