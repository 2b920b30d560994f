// The tax rounding and the largest-remainder split live in platform/money.ts, so lower modules (promotions)
// use them too; orders keeps this name for its own files.
export { allocate, taxesByRate, taxIncluded, type TaxByRate, type TaxLine } from '../../platform/money.ts';
