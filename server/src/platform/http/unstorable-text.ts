import type { FieldError } from '../errors.ts';

/** An unpaired UTF-16 surrogate: a high one not followed by a low one, or a low one without a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string cannot be stored, as a field-messages key; undefined when it can. */
function flaw(s: string): 'nul_character' | 'unpaired_surrogate' | undefined {
  if (s.includes('\u0000')) return 'nul_character';
  if (LONE_SURROGATE.test(s)) return 'unpaired_surrogate';
  return undefined;
}

/**
 * The fields of a parsed request part (body, query, params) holding text no database column can take:
 * PostgreSQL refuses a NUL byte in text and jsonb, and an unpaired surrogate is not Unicode at all (the
 * driver would silently turn it into U+FFFD, jsonb refuses its escape). Keys are looked at as well as
 * values, at any depth. `prefix` names the part as validation errors do (`query.q`, `params.id`).
 */
export function unstorableText(value: unknown, prefix: string, limit = 20): FieldError[] {
  const found: FieldError[] = [];
  const visit = (v: unknown, path: string[], depth: number) => {
    if (found.length >= limit || depth > 64) return;
    if (typeof v === 'string') {
      const why = flaw(v);
      if (why) found.push({ field: fieldName(prefix, path), message: why });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, [...path, String(i)], depth + 1));
    } else if (v && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        const why = flaw(k);
        if (why) found.push({ field: fieldName(prefix, [...path, escaped(k)]), message: why });
        else visit(item, [...path, k], depth + 1);
      }
    }
  };
  visit(value, [], 0);
  return found;
}

function fieldName(prefix: string, path: string[]): string {
  return [...(prefix ? [prefix] : []), ...path].join('.');
}

/** A key that cannot be stored, written so that it can be shown (`a\u0000b`). */
function escaped(key: string): string {
  return key.replace(/[\u0000\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
