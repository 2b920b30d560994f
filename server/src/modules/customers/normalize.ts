import type { IdentifierKind } from './schema.ts';

/** E-mail: NFKC, trimmed, lower-case; null if it does not look like one. */
export function normalizeEmail(input: string): string | null {
  const v = input.normalize('NFKC').trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) && v.length <= 254 ? v : null;
}

/**
 * A Japanese (or international) phone number in E.164: 090-1234-5678, ０９０（１２３４）５６７８,
 * +81 90 1234 5678 and 81-90-… all become +819012345678. Null if it cannot be a phone number.
 */
export function normalizePhone(input: string): string | null {
  const raw = input.normalize('NFKC').trim();
  const plus = raw.startsWith('+');
  const digits = raw.replace(/[\s\-().‐－ー]/g, '').replace(/^\+/, '');
  if (!/^\d+$/.test(digits)) return null;
  let e164: string;
  if (plus) e164 = `+${digits}`;
  else if (digits.startsWith('0')) e164 = `+81${digits.slice(1)}`;
  else if (digits.startsWith('81') && digits.length >= 11) e164 = `+${digits}`;
  else return null;
  // +81 numbers have 9 (landline) or 10 (mobile, IP) digits after the country code; others 8–15 in all.
  if (e164.startsWith('+81')) return /^\+81\d{9,10}$/.test(e164) ? e164 : null;
  return /^\+\d{8,15}$/.test(e164) ? e164 : null;
}

/** The Luhn check digit for a string of digits. */
export function luhnDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** A 13-digit member number (printed on the card): prefix 8 (members), 11 digits, a Luhn check digit. */
export function makeMemberNumber(sequence: number): string {
  const body = `8${String(sequence).padStart(11, '0')}`;
  return body + luhnDigit(body);
}

export function isValidMemberNumber(value: string): boolean {
  return /^\d{13}$/.test(value) && luhnDigit(value.slice(0, 12)) === value[12];
}

/** Normalise an identifier of any kind; null when it is not valid for that kind. */
export function normalizeIdentifier(kind: IdentifierKind, input: string): string | null {
  switch (kind) {
    case 'email':
      return normalizeEmail(input);
    case 'phone':
      return normalizePhone(input);
    case 'member_number': {
      const v = input.normalize('NFKC').replace(/[\s-]/g, '');
      return isValidMemberNumber(v) ? v : null;
    }
    case 'card': {
      const v = input.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
      return /^[0-9A-Z]{6,32}$/.test(v) ? v : null;
    }
    case 'device': {
      const v = input.normalize('NFKC').trim();
      return /^[\w.:-]{8,128}$/.test(v) ? v : null;
    }
    case 'line': {
      const v = input.normalize('NFKC').trim();
      return /^U[0-9a-f]{32}$/.test(v) ? v : null;
    }
  }
}

/** The search key of a name and its reading: NFKC, katakana → hiragana, lower-case, no spaces. */
export function nameSearchKey(name: string | null | undefined, kana: string | null | undefined): string {
  const fold = (s: string) =>
    s
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[\u30a1-\u30f6]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60))
      .replace(/[\s\u3000]+/g, '');
  return [name, kana]
    .filter(Boolean)
    .map((s) => fold(s!))
    .join(' ');
}
