/**
 * The SARIF 2.1.0 JSON schema (final OASIS committee draft rtm.5, as published to SchemaStore), read from the
 * @microsoft/jest-sarif devDependency, which ships it: installed by `npm ci`, never downloaded by a test.
 * Draft-04, loaded as draft-07 with `id` → `$id`; `format` keywords are not checked (no ajv-formats); its
 * `language` pattern is not valid with the `u` flag, so patterns compile without it.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';

export function sarifValidator(): ReturnType<Ajv['compile']> {
  const require = createRequire(import.meta.url);
  const path = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const schema = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const { $schema: _draft, id, ...rest } = schema;
  return new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false }).compile({ $id: id as string, ...rest });
}
