import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The catalogue is one object spread together from a file per area (ja.ts, en.ts): a key written in two files
 * silently takes the later file's words — staff's 「新しい暗証番号」 once replaced the member's on マイページ. Every key
 * is defined once.
 */
const dir = fileURLToPath(new URL('.', import.meta.url));

function keysByFile(lang: 'ja' | 'en'): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of readdirSync(dir).filter((f) => f === `${lang}.ts` || f.endsWith(`.${lang}.ts`))) {
    const source = readFileSync(`${dir}/${file}`, 'utf8');
    for (const m of source.matchAll(/^ {2}'([^']+)':/gm)) out.set(m[1]!, [...(out.get(m[1]!) ?? []), file]);
  }
  return out;
}

describe('the message catalogue', () => {
  for (const lang of ['ja', 'en'] as const)
    it(`defines each ${lang} key in one place`, () => {
      const keys = keysByFile(lang);
      expect(keys.size).toBeGreaterThan(500); // the parse found the catalogue
      const twice = [...keys].filter(([, files]) => files.length > 1).map(([k, files]) => `${k}: ${files.join(', ')}`);
      expect(twice).toEqual([]);
    });
});
