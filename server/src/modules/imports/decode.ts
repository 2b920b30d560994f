import { iconv } from '../../platform/iconv.ts';

export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'cp932';

/**
 * The file's text and the encoding it was written in. Excel on Japanese Windows saves CSV as Shift_JIS
 * (really CP932: NEC and IBM extensions such as ①, ㈱, 髙); newer Excel saves "CSV UTF-8" with a BOM; other
 * tools write UTF-8 without one. Strict UTF-8 is tried first: a CP932 file of Japanese text is almost never
 * valid UTF-8, while the reverse guess would turn UTF-8 into mojibake without any error. null: neither.
 */
export function decodeCsv(bytes: Buffer): { text: string; encoding: CsvEncoding } | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return utf8(bytes.subarray(3)) === null ? null : { text: utf8(bytes.subarray(3))!, encoding: 'utf-8-bom' };
  // UTF-16 (Excel's "Unicode text") starts with FF FE or FE FF: not a CSV we read.
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return null;
  const text = utf8(bytes);
  if (text !== null) return { text, encoding: 'utf-8' };
  const sjis = iconv().decode(bytes, 'cp932');
  // iconv-lite writes U+FFFD for a byte sequence CP932 does not define: not Shift_JIS either.
  if (sjis.includes('\uFFFD')) return null;
  return { text: sjis, encoding: 'cp932' };
}

function utf8(bytes: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
