/// <reference types="vite/client" />
import { readdirSync } from 'node:fs';
import { is, Table } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';

/**
 * One face per module: another module reaches a module only through its service.ts (the rank check,
 * .dependency-cruiser.cjs), and a service.ts hands out verbs and views, never a table — a table handed
 * out would let the modules above read and write rows whose rules they do not keep.
 */
const modules = readdirSync(new URL('.', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

const faces = import.meta.glob<Record<string, unknown>>('./*/service.ts');

describe('module faces', () => {
  it.each(modules)('%s has a service.ts, and it exports no table', async (name) => {
    const load = faces[`./${name}/service.ts`];
    expect(load, `${name}/service.ts`).toBeDefined();
    const face = await load!();
    const tables = Object.entries(face)
      .filter(([, value]) => is(value, Table))
      .map(([key]) => key);
    expect(tables).toEqual([]);
  });
});
