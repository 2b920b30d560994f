/**
 * EXPLAIN (ANALYZE, BUFFERS) of one segment preview's statement, on a database generate-customers.ts filled
 * (the same statement and planner settings as `previewSegment`), to see where a slow rule's time goes:
 *
 *   BENCH_SEGMENTS_URL=postgres://postgres@127.0.0.1:5432/musubi_1m \
 *     npx tsx bench/explain-segment.ts '{"match":"all","conditions":[{"field":"rfm_group","in":["champions"]}]}'
 *
 * SHOW_SQL=1 prints the statement and its parameters first; RUNS=n runs it n times without EXPLAIN and prints
 * each time and the median (to compare a plan change on a busy machine, alternate runs of both). Read-only:
 * the transaction is rolled back. MEMBERS=1 explains the statement that walks every member instead
 * (compileSegment's, what the preview ran before compileSegmentIds).
 */
import { PgDialect } from 'drizzle-orm/pg-core';
import { openDatabase } from '../server/src/platform/db/connection.ts';
import { compileSegment, compileSegmentIds, segmentIdsSettings } from '../server/src/modules/engagement/segment-sql.ts';
import { segmentRules } from '../server/src/modules/engagement/segment-rules.ts';
import { PREVIEW_SETTINGS, previewSql } from '../server/src/modules/engagement/segments.ts';

const url = process.env.BENCH_SEGMENTS_URL;
if (!url || !process.argv[2]) {
  console.error("usage: BENCH_SEGMENTS_URL=postgres://… npx tsx bench/explain-segment.ts '<rules as JSON>'");
  process.exit(2);
}
const database = await openDatabase({ databaseUrl: url, poolSize: 2, timeouts: { statementMs: 0 } });
try {
  const rules = segmentRules.parse(JSON.parse(process.argv[2]));
  // MEMBERS=1: the statement that walks every member (compileSegment), to compare with the preview's.
  const members = process.env.MEMBERS
    ? await compileSegment(database.db, rules)
    : await compileSegmentIds(database.db, rules);
  const dialect = new PgDialect();
  const q = dialect.sqlToQuery(previewSql(members));
  if (process.env.SHOW_SQL) console.log(q.sql, q.params);
  const client = await database.pool!.connect();
  try {
    await client.query('BEGIN');
    const settings = [...PREVIEW_SETTINGS, ...(process.env.MEMBERS ? [] : segmentIdsSettings(rules))];
    for (const setting of settings) await client.query(dialect.sqlToQuery(setting).sql);
    // SETTINGS='enable_mergejoin = off; …': planner settings of this run on top of the preview's (to try a plan).
    for (const extra of (process.env.SETTINGS ?? '').split(';').filter((x) => x.trim()))
      await client.query(`SET LOCAL ${extra}`);
    const runs = Number(process.env.RUNS ?? 0);
    if (runs > 0) {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        const r = await client.query(q.sql, q.params);
        times.push(performance.now() - t0);
        console.log(`run ${i + 1}: ${times.at(-1)!.toFixed(0)} ms (${r.rows[0]?.n} members)`);
      }
      times.sort((a, b) => a - b);
      console.log(`median ${times[Math.floor(times.length / 2)]!.toFixed(0)} ms`);
    } else {
      const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`, q.params);
      console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
    }
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    client.release();
  }
} finally {
  await database.close();
}
