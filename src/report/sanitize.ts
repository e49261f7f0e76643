/**
 * Text from the analysed repository is shown in terminals and CI logs: control characters in it (an ANSI
 * escape in a string literal, a carriage return) must not drive the terminal, and bidirectional overrides
 * (Trojan Source) must not reorder what the reader sees.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function sanitize(text: string): string {
  return text.replace(CONTROL, (c) => (c === '\r' ? '' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

// JSON.stringify escapes C0 controls but leaves these raw. Outside its strings JSON is ASCII, so escaping them
// anywhere in JSON text gives the same value.
const JSON_RAW = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON text safe to print: the characters JSON.stringify leaves raw, as `\u` escapes (the parsed value is unchanged). */
export function sanitizeJson(json: string): string {
  return json.replace(JSON_RAW, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
