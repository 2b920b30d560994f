import { createRequire } from 'node:module';

let loaded: typeof import('iconv-lite') | undefined;

/**
 * iconv-lite (Shift_JIS / CP932 for CSV files), loaded on first use, not at start: its code tables are an
 * eighth of the compiled server (half a megabyte to parse on every restart) and most starts read or write
 * no Shift_JIS file.
 */
export function iconv(): typeof import('iconv-lite') {
  return (loaded ??= createRequire(import.meta.url)('iconv-lite') as typeof import('iconv-lite'));
}
