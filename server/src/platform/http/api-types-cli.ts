/**
 * npm run gen:api: builds the app on a throw-away in-memory database, reads its OpenAPI document and
 * writes web/src/shared/api/schema.d.ts. No server needs to be running.
 */
import { writeFile } from 'node:fs/promises';
import { loadConfig } from '../config.ts';
import { buildServer } from '../../server.ts';
import { apiTypesFile, apiTypesOf } from './api-types.ts';

// An in-memory PGlite of its own, whatever DATABASE_URL the shell has.
const { DATABASE_URL: _ignored, ...env } = process.env;
const config = loadConfig({
  ...env,
  DATA_DIR: 'memory',
  LOG_LEVEL: 'silent',
  MUSUBI_SECRET: 'gen-api-secret-0123456789abcdef',
});
const server = await buildServer(config, { logger: false, jobs: false });
try {
  await server.app.ready();
  await writeFile(apiTypesFile, await apiTypesOf(server.app.swagger()));
  console.log(`wrote ${apiTypesFile}`);
} finally {
  await server.close();
}
