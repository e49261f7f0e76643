/**
 * Text from the analysed repository is shown in terminals and CI logs: control characters in it (an ANSI
 * escape in a string literal, a carriage return) must not drive the terminal.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

export function sanitize(text: string): string {
  return text.replace(CONTROL, (c) => (c === '\r' ? '' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
