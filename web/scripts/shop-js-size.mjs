// The shop's initial JavaScript: what a shopper's browser must fetch before the first screen — the entry
// script of dist/index.html and every module it preloads, gzipped (-9, as a CDN or the server would send it).
// Staff screens (and their words), charts and the scanner are chunks of their own, loaded when needed.
// Run after `vite build`:
//   node web/scripts/shop-js-size.mjs   → prints the size; exits 1 above SHOP_JS_LIMIT_KB when that is set.
// e2e/shop-size.test.ts holds the build to the 170 KB with the same measure.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** @returns {{ files: { file: string, kb: number }[], totalKb: number }} */
export function shopInitialJs(dist) {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const files = [
    ...html.matchAll(/<script type="module"[^>]*src="\/([^"]+)"/g),
    ...html.matchAll(/<link rel="modulepreload"[^>]*href="\/([^"]+)"/g),
  ].map((m) => ({ file: m[1], kb: gzipSync(readFileSync(join(dist, m[1])), { level: 9 }).length / 1024 }));
  return { files, totalKb: files.reduce((sum, f) => sum + f.kb, 0) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { files, totalKb } = shopInitialJs(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist'));
  for (const { file, kb } of files) console.log(`${file.padEnd(48)} ${kb.toFixed(1).padStart(7)} KB gzip`);
  console.log(`shop initial JS: ${totalKb.toFixed(1)} KB gzip (${files.length} file${files.length === 1 ? '' : 's'})`);
  const limit = Number(process.env.SHOP_JS_LIMIT_KB);
  if (limit && totalKb > limit) {
    console.error(`over the limit of ${limit} KB`);
    process.exit(1);
  }
}
