import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  // Every module's tables and platform's own; no barrel file, so platform imports no module.
  schema: ['./src/platform/db/platform-schema.ts', './src/modules/*/schema.ts'],
  out: './drizzle',
  casing: 'snake_case',
});
