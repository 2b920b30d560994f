import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { iconv } from './iconv.ts';
import { z } from 'zod';
import { csvCell } from './csv.ts';

/**
 * Exports as Japanese offices open them: every row (no cap), streamed page by page, times in Asia/Tokyo
 * with the zone in the header, UTF-8 with a BOM (Excel opens it as UTF-8) or Shift_JIS on request.
 *
 * Memory stays bounded whatever the size of the export:
 * - rows are read in keyset pages (`WHERE (key) > (last key) ORDER BY key LIMIT n`), each page its own
 *   short statement: no OFFSET (which rereads what it skips), no whole result in memory, and no cursor
 *   held open in a transaction — on PGlite the one connection would be held for the whole download and
 *   every other request would wait behind it;
 * - the stream is pull-based (`Readable.from` over an async generator): the next page is read only when
 *   the socket has taken the previous one (below the stream's high-water mark), so a slow client holds one
 *   page of rows and one encoded chunk, never the file; a client that goes away ends the generator, and no
 *   further page is read.
 * A page is read after the previous one, not in one snapshot: a row written during a long download appears
 * if its key is still ahead. Keys are immutable (ids, creation times), so no row is written twice or skipped.
 */

export const csvEncodings = ['utf-8', 'shift_jis'] as const;
export type CsvEncoding = (typeof csvEncodings)[number];

/** `?encoding=`: UTF-8 with BOM by default; `shift_jis` for Excel set to Japanese legacy (CP932 in fact). */
export const csvEncodingParam = z
  .enum(csvEncodings)
  .default('utf-8')
  .describe(
    'utf-8 (default): UTF-8 with a BOM. shift_jis: Shift_JIS as Windows writes it (CP932); a character it lacks becomes ?',
  );

/** A column: its header (in Japanese; times say (JST)) and how a row gives its cell. */
export interface CsvColumn<R> {
  header: string;
  value: (row: R) => unknown;
}

/** One keyset page: the rows after `after` (undefined: the first page) and the key to go on from (none: done). */
export type CsvPage<R, K> = (after: K | undefined) => Promise<{ rows: R[]; next: K | undefined }>;

/** How many rows a page reads: large enough that round trips do not dominate, small enough to hold. */
export const CSV_PAGE_ROWS = 1000;

const tokyo = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Tokyo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** `2026-12-06 16:20:00`: a time as a clock in Japan shows it (the header says (JST)). */
export function tokyoTime(at: Date | string | null | undefined): string {
  if (at === null || at === undefined) return '';
  const d = at instanceof Date ? at : new Date(at);
  return Number.isNaN(d.getTime()) ? '' : tokyo.format(d);
}

function encode(text: string, encoding: CsvEncoding): Buffer {
  // Shift_JIS keeps no state between characters, so each chunk is encoded on its own.
  return encoding === 'shift_jis' ? iconv().encode(text, 'Shift_JIS') : Buffer.from(text, 'utf8');
}

/**
 * Answer with a CSV export, streamed. The first page is read before the answer starts, so a refusal (the
 * service's authorization, a bad filter) is still a problem+json answer and not a cut-off file.
 */
export async function sendCsv<R, K>(
  reply: FastifyReply,
  opts: { filename: string; encoding: CsvEncoding; columns: CsvColumn<R>[]; page: CsvPage<R, K> },
): Promise<FastifyReply> {
  const { columns, encoding, page } = opts;
  const first = await page(undefined);
  const line = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;
  const lines = (rows: R[]) => rows.map((r) => line(columns.map((c) => c.value(r)))).join('');
  async function* chunks() {
    yield encode(`${encoding === 'utf-8' ? '\uFEFF' : ''}${line(columns.map((c) => c.header))}`, encoding);
    let current = first;
    for (;;) {
      if (current.rows.length) yield encode(lines(current.rows), encoding);
      if (current.next === undefined) return;
      current = await page(current.next);
    }
  }
  const charset = encoding === 'shift_jis' ? 'Shift_JIS' : 'utf-8';
  return reply
    .header('content-type', `text/csv; charset=${charset}`)
    .header('content-disposition', `attachment; filename="${opts.filename}"`)
    .header('cache-control', 'no-store')
    .send(Readable.from(chunks(), { objectMode: false }));
}
