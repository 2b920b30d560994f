/**
 * RFC 4180 CSV, CRLF, with a UTF-8 BOM so Excel in Japan opens it as UTF-8 rather than Shift_JIS. A cell
 * a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is prefixed with ' (CSV injection).
 * Columns are the rows' keys in order of first appearance, or `columns` (key → header) when given.
 */
export function toCsv(rows: readonly Record<string, unknown>[], columns?: Record<string, string>): string {
  const keys = columns ? Object.keys(columns) : [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = csvCell;
  const header = keys.map((k) => cell(columns?.[k] ?? k)).join(',');
  const lines = [header, ...rows.map((r) => keys.map((k) => cell(r[k])).join(','))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** One CSV cell: quoted when it must be, a formula-looking text neutralised with a leading '. */
export function csvCell(v: unknown): string {
  let text = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
