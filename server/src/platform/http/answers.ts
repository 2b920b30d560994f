import { serializerCompiler } from 'fastify-type-provider-zod';

type SerializerCompiler = typeof serializerCompiler;

/**
 * Answers go out through their Zod response schema, which drops any field it does not name. With
 * `strict` (the tests), an answer that would lose a field fails instead, naming the route and the field:
 * a schema that lags its service shows up as a failing test, not as a screen missing data.
 */
export function answerSerializer(strict: boolean): SerializerCompiler {
  if (!strict) return serializerCompiler;
  return (route) => {
    const serialize = serializerCompiler(route);
    return (data) => {
      const out = serialize(data);
      const lost = droppedFields(JSON.parse(JSON.stringify(data) ?? 'null'), JSON.parse(out), '');
      if (lost.length)
        throw new Error(`${route.method} ${route.url}: its response schema drops ${lost.slice(0, 10).join(', ')}`);
      return out;
    };
  };
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
