import type { businessJa } from './business.ja';

export const businessEn: Record<keyof typeof businessJa, string> = {
  'hq.tab.business': 'Business',
  'hq.business.title': 'Business and invoices',
  'hq.business.intro':
    'The business name and invoice registration number printed on every receipt. With the reduced-rate ※ marks and the tax per rate, that makes a receipt a qualified simplified invoice. The address and phone are printed on the online store’s receipts.',
  'hq.business.name': 'Business name',
  'hq.business.registration': 'Registration number',
  'hq.business.registrationHint': 'T and 13 digits (hyphens and full-width are fine)',
  'hq.business.address': 'Address',
  'hq.business.phone': 'Phone',
  'hq.business.save': 'Save',
  'hq.business.saved': 'Saved. Receipts from now on print it.',
  'hq.business.ownerOnly': 'Only the owner can change this.',
  'hq.business.noNumber': 'No registration number yet: until it is set, receipts are not qualified invoices.',
  'hq.business.updated': 'Last changed: {at}',
  'hq.business.logo': 'Receipt logo',
  'hq.business.logoHint': 'A PNG of at most 576 × 400 dots and 64 KB. Black and white prints best.',
  'hq.business.logoChoose': 'Choose a logo image',
  'hq.business.logoRemove': 'Remove the logo',
  'hq.business.logoNone': 'No logo set.',
  'hq.business.logoSaved': 'Logo saved. Receipts print it from now on.',
  'hq.business.logoRemoved': 'Logo removed.',
  'hq.business.logoAlt': 'Receipt logo',
};
