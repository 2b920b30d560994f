import fastJson from 'fast-json-stringify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { $ZodType } from 'zod/v4/core';
import { answerJsonSchema, whyNotCompiled } from './answer-schema.ts';

type SerializerCompiler = typeof serializerCompiler;
type Route = Parameters<SerializerCompiler>[0];
type Write = (data: unknown) => string;

/** Told how a route's answers of one status are written: compiled (reason undefined), or by Zod and why. */
export type AnswerPlanned = (route: string, reason: string | undefined) => void;

/**
 * Answers go out through their Zod response schema, which drops any field it does not name. They are
 * written by a serializer compiled from that schema (fast-json-stringify; a Zod encode of every answer
 * was ~12 % of the product page's server time), or, when the schema holds something it cannot write
 * byte for byte as Zod does (a transform, z.coerce, a default, a strict object, an object union …:
 * answer-schema.ts), by Zod itself. The compiled one does not validate: an answer that breaks its
 * schema is written as it is rather than failing with a 500.
 *
 * With `strict` (the tests), every answer is written both ways and must come out the same, byte for byte,
 * and an answer that would lose a field fails instead, naming the route and the field: a schema that lags
 * its service shows up as a failing test, not as a screen missing data.
 */
export function answerSerializer(strict: boolean, planned?: AnswerPlanned): SerializerCompiler {
  return (route) => {
    const name = `${route.method} ${route.url} ${route.httpStatus}`;
    const zod = serializerCompiler(route);
    const schema = zodSchemaOf(route.schema);
    const whyNot = () => (schema ? whyNotCompiled(schema) : 'not a Zod schema');
    if (planned) planned(name, whyNot());
    // Built on the first answer: building every route's serializer (its JSON Schema, then the code) would
    // add ~0.8 s to each start.
    let compiled: Write | undefined;
    const compile = (): Write => {
      if (!schema || whyNot()) return zod;
      try {
        return fastJson(answerJsonSchema(schema) as never) as Write;
      } catch (err) {
        if (strict) throw new Error(`${name}: its answer schema does not compile`, { cause: err });
        planned?.(name, `it does not compile: ${(err as Error).message}`);
        return zod;
      }
    };
    if (!strict) return (data) => (compiled ??= compile())(data);

    return (data) => {
      const out = zod(data);
      const lost = droppedFields(JSON.parse(JSON.stringify(data) ?? 'null'), JSON.parse(out), '');
      if (lost.length)
        throw new Error(`${route.method} ${route.url}: its response schema drops ${lost.slice(0, 10).join(', ')}`);
      compiled ??= compile();
      if (compiled === zod) return out;
      const fast = compiled(data);
      if (fast !== out)
        throw new Error(`${name}: the compiled answer differs from Zod's ${firstDifference(fast, out)}`);
      return fast;
    };
  };
}

function zodSchemaOf(schema: unknown): $ZodType | undefined {
  if (schema instanceof $ZodType) return schema;
  const wrapped = (schema as { properties?: unknown } | null)?.properties;
  return wrapped instanceof $ZodType ? wrapped : undefined;
}

/** Where two writings of an answer part, with a little of each around it. */
export function firstDifference(compiled: string, zod: string): string {
  let i = 0;
  while (i < compiled.length && compiled[i] === zod[i]) i++;
  const around = (s: string) => JSON.stringify(s.slice(Math.max(0, i - 40), i + 40));
  return `at character ${i}: compiled ${around(compiled)}, Zod ${around(zod)}`;
}

/** Paths present in `sent` (plain JSON) that `kept` lacks. */
export function droppedFields(sent: unknown, kept: unknown, path: string): string[] {
  if (Array.isArray(sent))
    return Array.isArray(kept) ? sent.flatMap((x, i) => droppedFields(x, kept[i], `${path}[${i}]`)) : [];
  if (sent === null || typeof sent !== 'object' || kept === null || typeof kept !== 'object') return [];
  const k = kept as Record<string, unknown>;
  return Object.entries(sent).flatMap(([key, v]) =>
    key in k ? droppedFields(v, k[key], path ? `${path}.${key}` : key) : [path ? `${path}.${key}` : key],
  );
}
