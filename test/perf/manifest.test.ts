import { describe, expect, it } from 'vitest';
import { extractors } from '../../src/code/extractors/index.js';
import { extractorManifest } from '../../src/code/extractors/manifest.js';

describe('extractor manifest', () => {
  it('names every extractor and the extra file kinds they read, and loads the same list', async () => {
    expect([...extractorManifest.names].sort()).toEqual(extractors.map((e) => e.name).sort());
    expect([...extractorManifest.extraExtensions].sort()).toEqual([...new Set(extractors.flatMap((e) => e.extraExtensions ?? []))].sort());
    expect(await extractorManifest.load()).toBe(extractors);
  });
});
