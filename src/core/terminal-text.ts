/**
 * Making untrusted text (input records, model output, file names) safe to print on a terminal:
 * ANSI/VT escape sequences (CSI, OSC, DCS, ...) are removed whole, and every other C0/C1 control
 * character except tab and newline becomes U+FFFD, so a line of a dataset can never move the
 * cursor, retitle the window, hide text or ring the bell. Pure: the CLI and the extension's log
 * call it on everything they echo.
 */

// ESC [ ... final byte (CSI), ESC ] ... BEL|ST (OSC), ESC P/X/^/_ ... ST (DCS, SOS, PM, APC),
// the 8-bit forms (U+009B CSI, U+009D OSC, ...), then any lone two-byte ESC sequence.
const ESCAPE_SEQUENCE =
  /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?|(?:\u001b[\]PX^_]|[\u009d\u0090\u0098\u009e\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[\u0020-\u002f]*[\u0030-\u007e]?/g;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** `text` with escape sequences removed and other control characters (not \t, \n) as U+FFFD. */
export function terminalSafe(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, '\ufffd');
}

/** One-line form for messages: also turns newlines and tabs into spaces. */
export function terminalSafeLine(text: string): string {
  return terminalSafe(text).replace(/[\t\n]+/g, ' ');
}
