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

// eslint-disable-next-line no-control-regex
const CONTROL_OR_BREAK = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * One item of a line of output: a file name, a configured ref, a message, a name from SQL. Everything
 * `sanitize` escapes, and line feeds and carriage returns too (as visible `\u000a`), so that a name can never
 * start a line of its own: in a CI log a line of its own is a command (`::error::`, `::add-mask::`,
 * `::stop-commands::` on GitHub Actions). Every format and stderr print names through this.
 */
export function sanitizeLine(text: string): string {
  return text.replace(CONTROL_OR_BREAK, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// JSON.stringify escapes C0 controls but leaves these raw. Outside its strings JSON is ASCII, so escaping them
// anywhere in JSON text gives the same value.
const JSON_RAW = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON text safe to print: the characters JSON.stringify leaves raw, as `\u` escapes (the parsed value is unchanged). */
export function sanitizeJson(json: string): string {
  return json.replace(JSON_RAW, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
