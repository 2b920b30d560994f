import type { paths } from '../../shared/api/schema';

/** A till session as the server shows it (GET /api/till-sessions/{id}). */
export type TillSession = paths['/api/till-sessions/{id}']['get']['responses'][200]['content']['application/json'];
/** The X report's figures (and the Z report's, kept in the session). */
export type TillFigures =
  paths['/api/till-sessions/{id}/x-report']['get']['responses'][200]['content']['application/json'];

/** Notes and coins counted at the close, largest first. */
export const DENOMINATIONS = [10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 1] as const;
export type Denomination = (typeof DENOMINATIONS)[number];
export const TILL_METHODS = ['cash', 'terminal', 'qr', 'wallet', 'points'] as const;
export const REFUND_METHODS = ['cash', 'card', 'wallet', 'points'] as const;

/** What a clerk typed as a whole number of yen or pieces: full-width digits folded, anything else dropped. */
export function digitsOf(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/[^0-9]/g, '')
    .replace(/^0+(?=\d)/, '');
}
