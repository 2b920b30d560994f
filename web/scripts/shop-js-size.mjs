// The shop's initial JavaScript: what a shopper's browser must fetch before the first screen — the entry
// script of dist/index.html and every module it preloads, gzipped (-9, as a CDN or the server would send it).
// Staff screens, charts and the scanner are chunks of their own, loaded when needed. Run after `vite build`:
//   node web/scripts/shop-js-size.mjs   → prints the size; exits 1 above SHOP_JS_LIMIT_KB when that is set.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const files = [
  ...html.matchAll(/<script type="module"[^>]*src="\/([^"]+)"/g),
  ...html.matchAll(/<link rel="modulepreload"[^>]*href="\/([^"]+)"/g),
].map((m) => m[1]);
let total = 0;
for (const f of files) {
  const kb = gzipSync(readFileSync(join(dist, f)), { level: 9 }).length / 1024;
  total += kb;
  console.log(`${f.padEnd(48)} ${kb.toFixed(1).padStart(7)} KB gzip`);
}
console.log(`shop initial JS: ${total.toFixed(1)} KB gzip (${files.length} file${files.length === 1 ? '' : 's'})`);
const limit = Number(process.env.SHOP_JS_LIMIT_KB);
if (limit && total > limit) {
  console.error(`over the limit of ${limit} KB`);
  process.exit(1);
}
