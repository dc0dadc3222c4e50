/**
 * Classifies bytes headed for a PTY: a terminal's replies to queries (device attributes,
 * cursor position, OSC colours, mode reports, XTVERSION, focus reports) versus user input.
 * Replies are forwarded but never clear a waiting state, live or in replay.
 */

/**
 * One reply per alternative. Sources: xterm ctlseqs (DA1/DA2 `CSI ? … c` / `CSI > … c`,
 * CPR `CSI r ; c R`, DECRPM `CSI ? n ; m $ y`, window ops `CSI 4|8 ; … t`, OSC 4/10/11/12
 * colour replies, DCS XTVERSION / DECRQSS / XTGETTCAP replies), kitty keyboard flags
 * `CSI ? n u`, and focus in/out `CSI I` / `CSI O`.
 */
const REPLY_PATTERN = new RegExp(
  [
    '\\x1b\\[\\?[\\d;]*c', // DA1 reply
    '\\x1b\\[>[\\d;]*c', // DA2 reply
    '\\x1b\\[\\d+;\\d+R', // cursor position report
    '\\x1b\\[\\?[\\d;]*\\$y', // DECRPM (private)
    '\\x1b\\[[\\d;]*\\$y', // DECRPM (ANSI)
    '\\x1b\\[[48];\\d+;\\d+t', // text area size reports
    '\\x1b\\[\\?\\d*u', // kitty keyboard flags
    '\\x1b\\[[IO]', // focus in / out
    '\\x1b\\[0n', // DSR "terminal OK"
    '\\x1b\\](?:4;\\d+|1[0-2]);[^\\x07\\x1b]*(?:\\x07|\\x1b\\\\)', // OSC colour replies
    '\\x1bP[>!]?[|01]?[^\\x1b]*\\x1b\\\\', // DCS replies (XTVERSION, DECRQSS, XTGETTCAP)
  ].join('|'),
  'g',
);

/** True when `data` consists only of terminal query replies (no user keystrokes). */
export function isTerminalReply(data: string): boolean {
  if (data.length === 0 || !data.includes('\x1b')) return false;
  return data.replace(REPLY_PATTERN, '') === '';
}
