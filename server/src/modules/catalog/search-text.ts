/**
 * Japanese search keys. Text is normalised once (NFKC: half-width katakana → full-width, full-width
 * letters and digits → ASCII; lower-case; katakana folded to hiragana), then every 1- and 2-character
 * gram is stored in an array column with a GIN index. A term of 1–2 characters (靴, ラテ) is one gram
 * lookup; a longer term needs all its bigrams and is then confirmed with LIKE on the key. Database
 * collations and ILIKE do neither the folding nor the short terms (see architecture.md).
 */
/** Katakana and the hiragana they fold to (as normalizeSearch does), for the name's key in SQL. */
export const KATAKANA = Array.from({ length: 0x30f6 - 0x30a1 + 1 }, (_, i) => String.fromCharCode(0x30a1 + i)).join('');
export const HIRAGANA = Array.from({ length: 0x30f6 - 0x30a1 + 1 }, (_, i) => String.fromCharCode(0x3041 + i)).join('');

export function normalizeSearch(input: string): string {
  return input
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u30a1-\u30f6]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60))
    .replace(/[\s\u3000]+/g, ' ')
    .trim();
}

/** Unique unigrams and bigrams of each word of an already-normalised text. */
export function gramsOf(normalized: string): string[] {
  const grams = new Set<string>();
  for (const word of normalized.split(' ')) {
    const chars = Array.from(word);
    for (let i = 0; i < chars.length; i++) {
      grams.add(chars[i]!);
      if (i + 1 < chars.length) grams.add(chars[i]! + chars[i + 1]!);
    }
  }
  grams.delete('');
  return [...grams];
}

export interface SearchTerms {
  /** Grams every match must contain (GIN-indexed). */
  grams: string[];
  /** Terms of 3+ characters, confirmed with LIKE '%term%' on the key. */
  likes: string[];
}

export function searchTerms(q: string): SearchTerms {
  const grams = new Set<string>();
  const likes: string[] = [];
  for (const term of normalizeSearch(q).split(' ').filter(Boolean)) {
    const chars = Array.from(term);
    if (chars.length <= 2) grams.add(term);
    else {
      for (let i = 0; i + 1 < chars.length; i++) grams.add(chars[i]! + chars[i + 1]!);
      likes.push(term);
    }
  }
  return { grams: [...grams], likes };
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export interface SearchDocument {
  name: string;
  nameKana: string;
  categoryNames?: string[];
  skus?: string[];
  jans?: string[];
  options?: string[];
}

/** The search key and sort key of a product, computed once when it is written. */
export function searchFields(doc: SearchDocument): { searchText: string; searchGrams: string[]; sortKey: string } {
  const searchText = normalizeSearch(
    [
      doc.name,
      doc.nameKana,
      ...(doc.categoryNames ?? []),
      ...(doc.options ?? []),
      ...(doc.skus ?? []),
      ...(doc.jans ?? []),
    ].join(' '),
  );
  return { searchText, searchGrams: gramsOf(searchText), sortKey: normalizeSearch(doc.nameKana || doc.name) };
}
