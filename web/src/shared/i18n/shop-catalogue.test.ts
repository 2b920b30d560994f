import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ja } from './ja';
import { staffScreensJa } from './staff-screens';

/**
 * The shop's phone loads the shop's catalogue only (ja.ts, en.ts and the files they spread); the staff screens'
 * words come with the staff screens (staff-screens.ts). A shop screen that used a staff key would show the bare
 * key. This walks every module the shop can load — main.tsx and what it imports, statically or lazily, except
 * the staff screens' chunk — and checks each key it names, literally or by a `prefix.${…}` template, is the shop's.
 */
const src = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const staffEntry = join(src, 'StaffRoutes.tsx');

function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  for (const file of [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')])
    if (existsSync(file)) return file;
  return null;
}

function shopModules(): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || file === staffEntry || file.includes(`${join('shared', 'i18n')}/`)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    const specs = [
      ...[...source.matchAll(/^\s*(import|export)\s(?!type\s)[^;]*?from\s+'([^']+)'/gms)].map((m) => m[2]!),
      ...[...source.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]!),
    ];
    for (const spec of specs) {
      const target = resolveImport(file, spec);
      if (target) visit(target);
    }
  };
  visit(join(src, 'main.tsx'));
  return [...seen];
}

describe("the shop's catalogue", () => {
  const shopKeys = new Set(Object.keys(ja));
  const staffKeys = Object.keys(staffScreensJa);
  const modules = shopModules();
  const source = modules.map((f) => readFileSync(f, 'utf8')).join('\n');

  it('walks the shop, not the staff screens', () => {
    expect(modules.some((f) => f.endsWith('ListingScreen.tsx'))).toBe(true);
    expect(modules.some((f) => f.endsWith('TillScreen.tsx'))).toBe(false);
    expect(staffKeys.length).toBeGreaterThan(500);
  });

  it('has every key a shop module names', () => {
    const named = staffKeys.filter((k) => source.includes(`'${k}'`) || source.includes(`"${k}"`));
    const byTemplate = staffKeys.filter((k) =>
      k
        .split('.')
        .slice(0, -1)
        .some((_, i, parts) => source.includes('`' + parts.slice(0, i + 1).join('.') + '.${')),
    );
    expect([...new Set([...named, ...byTemplate])]).toEqual([]);
  });

  it('defines no key twice across the two', () => {
    expect(staffKeys.filter((k) => shopKeys.has(k))).toEqual([]);
  });
});
