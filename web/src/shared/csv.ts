/**
 * CSV as the server's platform/csv.ts writes it: RFC 4180, CRLF, a UTF-8 BOM so Excel in Japan opens it as
 * UTF-8, and a cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) prefixed with '.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (v: string) => {
    const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return `\uFEFF${[header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
