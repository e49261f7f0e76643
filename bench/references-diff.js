#!/usr/bin/env node
// The Knex/Kysely references one build finds in a repository that another build does not (and the reverse),
// for sampling what a change to the extractors adds (bench/false-references.md).
//
//   node bench/references-diff.js <dist-before> <dist-after> <repository> [--sample 50] [--seed 1]
//
// Each dist is a built `dist/` folder (e.g. one built at the branch's start, kept aside). The repository is a
// working tree; nothing of it runs. Prints counts, then a seeded sample of the added references (tab-separated:
// path:line, table.column, kind, confidence, extractor, source line).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const positional = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
if (positional.length !== 3) {
  process.stderr.write('usage: node bench/references-diff.js <dist-before> <dist-after> <repository> [--sample 50] [--seed 1]\n');
  process.exit(2);
}
const [beforeDist, afterDist, root] = positional.map((p) => resolve(p));

async function references(dist) {
  const { scanWorktree } = await import(pathToFileURL(`${dist}/src/code/scan.js`).href);
  const { extractorManifest } = await import(pathToFileURL(`${dist}/src/code/extractors/manifest.js`).href);
  const result = await scanWorktree(root, { extractors: extractorManifest, migrationDirs: [], cacheDir: false });
  const lines = result.references
    .filter((r) => r.extractor === 'knex' || r.extractor === 'kysely')
    .map((r) => [`${r.location.path}:${r.location.line}`, `${r.schema ? `${r.schema}.` : ''}${r.table}${r.column ? `.${r.column}` : ''}`, r.kind, r.confidence, r.extractor, r.snippet].join('\t'));
  return new Set(lines);
}

const before = await references(beforeDist);
const after = await references(afterDist);
const added = [...after].filter((l) => !before.has(l)).sort();
const removed = [...before].filter((l) => !after.has(l)).sort();
const count = (list, confidence) => list.filter((l) => l.split('\t')[3] === confidence).length;
console.log(`before ${before.size}, after ${after.size}, added ${added.length} (likely ${count(added, 'likely')}, weak ${count(added, 'weak')}), removed ${removed.length}`);

// A small seeded generator (mulberry32), so that a sample can be drawn again.
let state = option('seed', 1) >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pool = [...added];
const sample = [];
for (let n = Math.min(option('sample', 50), pool.length); n > 0; n--) sample.push(pool.splice(Math.floor(random() * pool.length), 1)[0]);
for (const line of sample.sort()) console.log(line);
