import { makeTemplate } from './pglite-template.ts';

// `npm run db:template --workspace server`: the embedded database's empty cluster for the installed PGlite.
makeTemplate().then(
  (t) => console.log(`${t.file}: ${t.bytes} bytes (tar ${t.tarBytes})`),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
