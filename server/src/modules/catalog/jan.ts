/** JAN-13 (EAN-13) check digit: weights 1,3,1,3… over the first 12 digits. */
export function janCheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

export function isValidJan(code: string): boolean {
  return /^\d{13}$/.test(code) && janCheckDigit(code.slice(0, 12)) === Number(code[12]);
}

/** Complete a 12-digit body with its check digit. */
export function makeJan(first12: string): string {
  if (!/^\d{12}$/.test(first12)) throw new Error(`JAN body must be 12 digits: ${first12}`);
  return first12 + janCheckDigit(first12);
}

/** Scanners and POS exports send full-width digits or spaces: normalise before looking up. */
export function normalizeJan(input: string): string {
  return input.normalize('NFKC').replace(/[\s-]/g, '');
}
