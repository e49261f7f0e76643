import { describe, expect, it } from 'vitest';
import { formatJunit } from '../../src/report/junit.js';
import { CONTROL_CHARS, DROP_MIGRATION, emptyResult, INDEX_MIGRATION, sampleResult } from './sample-result.js';

/** A small well-formedness check: balanced tags, quoted attributes, only known entities, no raw `<` or `&`. */
function checkWellFormed(xml: string): void {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const body = xml.slice(xml.indexOf('?>') + 2);
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let consumed = 0;
  for (const m of body.matchAll(token)) {
    consumed += m[0].length;
    const text = m[5] ?? m[3] ?? '';
    expect(text.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, '')).not.toMatch(/[&<]/);
    expect(text).not.toMatch(CONTROL_CHARS);
    expect(text).not.toMatch(/[\ufffe\uffff]/);
    if (m[5] !== undefined) continue;
    if (m[1]) expect(stack.pop()).toBe(m[2]);
    else if (!m[4]) stack.push(m[2]!);
  }
  expect(consumed).toBe(body.length);
  expect(stack).toEqual([]);
}

const attr = (xml: string, tag: string, name: string): string[] => [...xml.matchAll(new RegExp(`<${tag}\\b[^>]*?\\s${name}="([^"]*)"`, 'g'))].map((m) => m[1]!);

describe('junit format', () => {
  it('is well-formed XML, for a run with findings and for a clean one', () => {
    checkWellFormed(formatJunit(sampleResult()));
    checkWellFormed(formatJunit(emptyResult()));
    expect(formatJunit(emptyResult())).toContain('<testsuites name="rollsafe" tests="0" failures="0" errors="0">');
  });

  it('has one testsuite per new migration with one testcase per finding (not one per rule), then code findings and input problems', () => {
    const xml = formatJunit(sampleResult());
    expect(attr(xml, 'testsuite', 'name')).toEqual([DROP_MIGRATION, INDEX_MIGRATION, 'db/migrations/005_broken.sql', 'rollsafe: application code', 'rollsafe: input problems'].map(escapeXml));
    const suite = xml.slice(xml.indexOf(`<testsuite name="${DROP_MIGRATION}"`), xml.indexOf('</testsuite>'));
    expect(attr(suite, 'testcase', 'name')).toEqual([`dropped-column-in-use ${DROP_MIGRATION}:2`]);
    expect(suite).toContain('tests="1" failures="1" errors="0"');
    expect(suite).toContain('<failure message="Column jobs.state is dropped');
    expect(suite).toContain('type="dropped-column-in-use"');
    expect(suite).toContain('live code (base release-1): src/worker/poller.ts:14:44 read');
    expect(suite).toContain('ALTER TABLE jobs DROP COLUMN state;');
    // A checked migration without findings is one passing testcase; two findings of one rule are two testcases.
    const broken = xml.slice(xml.indexOf('<testsuite name="db/migrations/005_broken.sql"'));
    expect(broken.slice(0, broken.indexOf('</testsuite>'))).toContain('<testcase classname="db/migrations/005_broken.sql" name="no findings" file="db/migrations/005_broken.sql"/>');
    expect(xml).toContain('<testsuites name="rollsafe" tests="6" failures="1" errors="1">');
    const [drop] = sampleResult().findings;
    const twice = formatJunit(sampleResult({ findings: [drop!, { ...drop!, location: { ...drop!.location, line: 9 } }], diagnostics: [] }));
    expect(attr(twice, 'testcase', 'name').filter((n) => n.startsWith('dropped-column-in-use'))).toEqual([`dropped-column-in-use ${DROP_MIGRATION}:2`, `dropped-column-in-use ${DROP_MIGRATION}:9`]);
    expect(twice).toContain('failures="2"');
  });

  it('reports warnings in system-out, not as failures, and error diagnostics as errors', () => {
    const xml = formatJunit(sampleResult());
    const index = xml.slice(xml.indexOf(`<testsuite name="${escapeXml(INDEX_MIGRATION)}"`));
    const testcase = index.slice(index.indexOf('name="require-concurrent-index '));
    expect(testcase.slice(0, testcase.indexOf('</testcase>'))).toMatch(/<system-out>db\/migrations\/004 index, "orders"\.sql:1:1 warning CREATE INDEX/);
    expect(xml).toMatch(/<error message="syntax error at or near &quot;TABEL&quot;" type="sql-syntax">/);
  });

  it('escapes markup, quotes, control characters and lone surrogates', () => {
    const xml = formatJunit(sampleResult());
    expect(xml).toContain('&lt;b&gt;&amp;\'quoted\' \ufffd');
    expect(xml).toContain('\\u001b[31mred');
    expect(xml).not.toMatch(CONTROL_CHARS);
    expect(xml).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });
});

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
}
