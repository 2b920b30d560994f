import { sql } from 'drizzle-orm';
import { query, type Executor } from '../../platform/db/connection.ts';
import { categories } from './schema.ts';
import { gramsOf, normalizeSearch } from './search-text.ts';

/**
 * 「もしかして」: when a search finds nothing, the product or category name that shares the most grams
 * with what she typed (ジャケト → a ジャケット), so one tap searches again. Bigrams for a term of three or
 * more characters, single characters for two; at least half of them must be shared. Candidates are found
 * by the products' gram index (`&&`); the kana reading counts for the match but a name is what is offered.
 */
export async function didYouMean(db: Executor, q: string): Promise<string | null> {
  const key = normalizeSearch(q).replace(/ /g, '');
  const chars = Array.from(key);
  if (chars.length < 2) return null;
  const grams = gramsOf(key).filter((g) => (chars.length >= 3 ? Array.from(g).length === 2 : true));
  if (!grams.length) return null;
  const needed = Math.ceil(grams.length / 2);
  const rows = await query<{ name: string; score: number }>(
    db,
    sql`SELECT p.name, (SELECT count(*) FROM unnest(${sql.param(grams)}::text[]) g WHERE g = ANY(p.search_grams))::int AS score
          FROM products p
         WHERE p.status = 'active' AND p.search_grams && ${sql.param(grams)}::text[]
         ORDER BY score DESC, length(p.name), p.id LIMIT 20`,
  );
  const best = rows.filter((r) => Number(r.score) >= needed);
  const cats = (await db.select().from(categories))
    .map((c) => {
      const own = new Set(gramsOf(normalizeSearch(`${c.name} ${c.nameKana}`)));
      return { name: c.name, score: grams.filter((g) => own.has(g)).length };
    })
    .filter((c) => c.score >= needed);
  const all = [...cats, ...best.map((r) => ({ name: r.name, score: Number(r.score) }))];
  all.sort((a, b) => b.score - a.score || a.name.length - b.name.length);
  const pick = all.find((c) => normalizeSearch(c.name) !== key);
  return pick?.name ?? null;
}
