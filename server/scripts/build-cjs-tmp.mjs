// The server compiled ahead of time: src/main.ts (and the first start's worker) and the libraries they use,
// bundled by esbuild into dist/. A restart then loads a few files of plain JavaScript instead of ~700
// modules — ~450 of them TypeScript through tsx's loader, each resolve and load a round trip to its thread —
// which was most of a restart (issue 18 §3, bench/README.md). `npm start` builds first (prestart); the
// tests' server processes run it too (server/src/test/processes.ts); `npm run dev`, the CLIs and the tests'
// in-process servers run the sources through tsx.
//
// Each source file's `import.meta.url` is replaced by that file's own URL, so the paths the code finds
// beside itself (migrations, web/dist, the PGlite template, package.json) are the same bundled or not.
import { build } from 'esbuild';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = `${root}src/`;

/**
 * Libraries left in node_modules, loaded by Node as they are: each finds files beside itself (PGlite's
 * WebAssembly and data, sharp's native binding, pino's worker, the OpenAPI UI's pages, the static files'
 * package.json) or is loaded only on demand anyway (the Postgres client, mail, push, receipts, NATS).
 */
const external = [
  '@electric-sql/pglite',
  '@electric-sql/pglite/*',
  'sharp',
  'pg',
  'pg-native',
  'drizzle-orm/node-postgres',
  'pino',
  'pino-pretty',
  'thread-stream',
  '@fastify/swagger',
  '@fastify/swagger-ui',
  '@fastify/static',
  'nodemailer',
  'web-push',
  'receiptline',
  '@nats-io/*',
  'esbuild',
  'tsx',
];

/** @type {import('esbuild').Plugin} */
const ownUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      if (!path.startsWith(src)) return undefined;
      const text = await readFile(path, 'utf8');
      return {
        contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href)),
        loader: 'ts',
      };
    });
  },
};

/**
 * Bundle the server into `out` (a directory inside the project, so that the libraries left external are
 * found in node_modules above it); what was there is replaced.
 */
export async function compileServer(out = `${root}dist/`) {
  if (!out.endsWith('/')) out += '/';
  await rm(out, { recursive: true, force: true });
  await build({
    entryPoints: { main: `${src}main.ts`, 'first-start-worker': `${src}first-start-worker.ts` },
    outdir: out,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    splitting: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external,
    // The CommonJS libraries bundled into these ES modules still require Node's own modules.
    banner: {
      js: '',
    },
    // Where the compiled server is: the first start forks the compiled worker beside it (first-start.ts).
    define: { 'process.env.MUSUBI_COMPILED': JSON.stringify(out) },
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'warning',
    plugins: [ownUrl],
  });

  // A bundled CommonJS library that looks for files beside itself finds nothing in an ES module (no
  // __dirname): such a library belongs in `external`.
  for (const file of (await readdir(out)).filter((f) => f.endsWith('.cjs'))) {
    const text = await readFile(`${out}${file}`, 'utf8');
    const found = /\b__(dirname|filename)\b/.exec(text);
    if (found) {
      const before = text.slice(0, found.index);
      const library = [...before.matchAll(/^\/\/ (\.\.\/)*node_modules\/(\S+)$/gm)].at(-1)?.[2] ?? 'unknown';
      throw new Error(`${out}${file}: ${found[0]} in ${library} — add its package to external in scripts/build.mjs`);
    }
  }
  return out;
}

/**
 * Bundle the server into a directory of its own under server/node_modules/.cache (for the tests and the
 * startup bench: a running `npm start`'s dist/ is left alone); the caller removes it.
 */
export async function compileServerToCache(prefix = 'musubi-server-') {
  const cache = `${root}node_modules/.cache/`;
  await mkdir(cache, { recursive: true });
  return compileServer(await mkdtemp(`${cache}${prefix}`));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const out = await compileServer(process.argv[2]);
  console.log(`server built into ${out} in ${Math.round(performance.now() - started)} ms`);
}
