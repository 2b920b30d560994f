import { z } from 'zod';
import type { $ZodType } from 'zod/v4/core';

/**
 * The JSON Schema a compiled serializer (fast-json-stringify) writes an answer with, so that its bytes are
 * exactly the Zod serializer's (`z.encode`, then JSON.stringify). Only the shapes listed in `whyNotCompiled`
 * qualify: a route whose schema holds anything else keeps the Zod serializer (answers.ts).
 */

interface Def {
  type: string;
  coerce?: boolean;
  checks?: { _zod: { def: { check: string } } }[];
  [key: string]: unknown;
}
const defOf = (schema: $ZodType) => schema._zod.def as unknown as Def;

/** Checks that only refuse a value and never change it (an `overwrite` — trim, toLowerCase — would). */
const REFUSING_CHECKS = new Set([
  'less_than',
  'greater_than',
  'multiple_of',
  'number_format',
  'min_length',
  'max_length',
  'length_equals',
  'string_format',
  'min_size',
  'max_size',
  'size_equals',
  'custom',
]);

/** Types written as one JSON scalar, told apart by the value's own JS type (strings, numbers, …). */
const SCALARS = new Set(['string', 'number', 'boolean', 'null', 'enum', 'literal']);

/**
 * Where a schema sits: an object key's or a record's value (`property`: an undefined value is left out, by
 * Zod's JSON.stringify and the compiled serializer alike), an array's item (`item`: Zod writes undefined as
 * null, the compiled one could not), or anywhere else (`value`).
 */
type Slot = 'property' | 'item' | 'value';

/**
 * Why the compiled serializer cannot write what Zod writes for `schema` (the first reason found, with its
 * path), or undefined when it can. A whitelist: a kind of schema not named here is a reason.
 */
export function whyNotCompiled(schema: $ZodType, path = '', slot: Slot = 'value'): string | undefined {
  const def = defOf(schema);
  const at = path || '(root)';
  if (def.coerce) return `z.coerce.${def.type}() at ${at}`;
  const changing = def.checks?.find((c) => !REFUSING_CHECKS.has(c._zod.def.check));
  if (changing) return `a ${changing._zod.def.check} check at ${at}`;
  const inner = (key: string, s: Slot = slot) => whyNotCompiled(def[key] as $ZodType, path, s);

  switch (def.type) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'null':
    case 'date':
    case 'enum':
      return undefined;
    case 'literal':
      return (def.values as unknown[]).every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
        ? undefined
        : `a literal that is not a JSON scalar at ${at}`;
    case 'nullable':
    case 'readonly':
      return inner('innerType');
    case 'optional':
      return slot === 'property' ? inner('innerType') : `an optional value outside an object key at ${at}`;
    case 'unknown':
    case 'any':
      return slot === 'item' ? `an array of ${def.type} at ${at}` : undefined;
    case 'array':
      return whyNotCompiled(def.element as $ZodType, `${path}[]`, 'item');
    case 'object': {
      const catchall = def.catchall as $ZodType | undefined;
      if (catchall && !['unknown', 'any'].includes(defOf(catchall).type))
        return `an object with a ${defOf(catchall).type} catchall (strict?) at ${at}`;
      for (const [key, value] of Object.entries(def.shape as Record<string, $ZodType>)) {
        const why = whyNotCompiled(value, path ? `${path}.${key}` : key, 'property');
        if (why) return why;
      }
      return undefined;
    }
    case 'record': {
      const key = defOf(def.keyType as $ZodType);
      if (key.type !== 'string' || key.coerce || key.checks?.length)
        return `a record whose keys are not plain strings at ${at}`;
      return whyNotCompiled(def.valueType as $ZodType, `${path}{}`, 'property');
    }
    case 'union': {
      // Only scalars: fast-json-stringify picks an object union's branch by validating the input with Ajv,
      // and Zod by parsing it, which need not agree.
      if (def.discriminator !== undefined) return `a discriminated union at ${at}`;
      for (const option of def.options as $ZodType[]) {
        if (!SCALARS.has(defOf(option).type)) return `a union of ${defOf(option).type} at ${at}`;
        const why = whyNotCompiled(option, path, 'value');
        if (why) return why;
      }
      return undefined;
    }
    default:
      return `${def.type} at ${at}`;
  }
}

type Json = Record<string, unknown>;

/** The JSON type(s) a scalar schema writes. */
function jsonTypes(schema: $ZodType): string[] {
  const def = defOf(schema);
  const ofValue = (v: unknown) => (v === null ? 'null' : typeof v);
  switch (def.type) {
    case 'literal':
      return [...new Set((def.values as unknown[]).map(ofValue))];
    case 'enum':
      return [...new Set(Object.values(def.entries as Record<string, unknown>).map(ofValue))];
    case 'union':
      return [...new Set((def.options as $ZodType[]).flatMap(jsonTypes))];
    case 'date':
      return ['string'];
    default:
      return [def.type];
  }
}

/** Keywords that would make fast-json-stringify write something else than the value (a default, a const) or choose by validating. */
const FOREIGN = ['$ref', 'anyOf', 'oneOf', 'allOf', 'not', 'if', 'const', 'default', 'items'];

/** A key that is not `__proto__`: Zod never copies that one into what it writes (a loose object's or a record's other keys). */
const NOT_PROTO = '^(?!__proto__$)';

/**
 * Each node of Zod's JSON Schema, made to say what Zod writes rather than what it accepts. Runs once per
 * node, children first (a nullable copies its inner node's keywords after that node is rewritten), and
 * may run again on a node's described copy, so it is idempotent.
 */
function rewrite(schema: $ZodType, json: Json): void {
  const def = defOf(schema);
  // `default` (from .meta) would be written for a missing key; `format` would send strings through
  // fast-json-stringify's date formatting; neither changes what Zod writes.
  delete json.default;
  delete json.format;
  switch (def.type) {
    case 'date':
      // A Date goes out as toISOString(), as Date.prototype.toJSON does under JSON.stringify.
      json.type = 'string';
      break;
    case 'number':
      // 'integer' would round a fraction where Zod refuses it; both write an integer the same.
      json.type = 'number';
      break;
    case 'literal':
    case 'enum':
    case 'union': {
      // The value as it is, typed: fast-json-stringify would write a `const` instead of the value, and
      // choose an `anyOf` branch by validating.
      const types = jsonTypes(schema);
      for (const k of ['enum', 'const', 'anyOf', 'oneOf']) delete json[k];
      json.type = types.length === 1 ? types[0] : types;
      break;
    }
    case 'object': {
      // fast-json-stringify writes `required` keys first: only the keys before the first optional one are
      // declared required, so every key is written in the schema's order, as Zod writes them.
      const keys = Object.keys((json.properties as Json | undefined) ?? {});
      const required = new Set((json.required as string[] | undefined) ?? []);
      const leading = keys.findIndex((k) => !required.has(k));
      const prefix = leading === -1 ? keys : keys.slice(0, leading);
      if (prefix.length) json.required = prefix;
      else delete json.required;
      // Zod strips keys it does not name (fast-json-stringify's default without additionalProperties); a
      // loose object keeps them, after its own, but for __proto__.
      delete json.additionalProperties;
      if (def.catchall) json.patternProperties = { [NOT_PROTO]: {} };
      break;
    }
    case 'null':
      delete json.enum;
      json.type = 'null';
      break;
    case 'record':
      // Every key but __proto__, which Zod leaves out of a record it writes.
      delete json.propertyNames;
      if ('additionalProperties' in json) {
        json.patternProperties = { [NOT_PROTO]: json.additionalProperties };
        delete json.additionalProperties;
      }
      break;
  }
}

/** Throws when a keyword that changes fast-json-stringify's output survived the rewrite (a guard: `whyNotCompiled` should have refused it). */
function assertPlain(json: unknown, path: string): void {
  if (json === null || typeof json !== 'object') return;
  const node = json as Json;
  const foreign = FOREIGN.find((k) => k in node && !(k === 'items' && node.type === 'array'));
  if (foreign) throw new Error(`its JSON Schema has ${foreign} at ${path || '(root)'}`);
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' || key === 'patternProperties')
      for (const [k, v] of Object.entries(value as Json)) assertPlain(v, `${path}.${k}`);
    else if (key === 'items' || key === 'additionalProperties') assertPlain(value, `${path}.${key}`);
  }
}

/**
 * The schema fast-json-stringify compiles for `schema`, one that `whyNotCompiled` passed. Throws if a
 * keyword that would change what it writes is left (a bug of the whitelist).
 */
export function answerJsonSchema(schema: $ZodType): Json {
  // OpenAPI 3.0's `nullable: true` is what fast-json-stringify reads for null; a registry of its own keeps
  // schemas with an id inline (no $ref).
  const json = z.toJSONSchema(schema, {
    io: 'output',
    target: 'openapi-3.0',
    metadata: z.registry(),
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => rewrite(zodSchema as $ZodType, jsonSchema as Json),
  }) as Json;
  assertPlain(json, '');
  return json;
}
