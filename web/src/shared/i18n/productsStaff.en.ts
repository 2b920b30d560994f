import type { productsStaffJa } from './productsStaff.ja';

/** English for head office's products and product pictures screens. */
export const productsStaffEn: Record<keyof typeof productsStaffJa, string> = {
  'hq.tab.products': 'Products',
  'images.hq.products': 'Products',
  'images.hq.search': 'Find by name, reading, SKU or JAN',
  'images.hq.hasPictures': 'Has pictures',
  'images.hq.noPictures': 'No pictures',
  'images.hq.title': 'Pictures of {name}',
  'images.hq.add': 'Add pictures',
  'images.hq.hint':
    'JPEG, PNG or WebP (up to 10 MB and 40 megapixels). Served as WebP 200–1600 px wide. The first picture is shown in lists and recommendations.',
  'images.hq.colour': 'Colour',
  'images.hq.allColours': 'Every colour',
  'images.hq.alt': 'Alt text (what the picture shows)',
  'images.hq.choose': 'Choose pictures (several at once)',
  'images.hq.uploading': 'Uploading…',
  'images.hq.added': '{n} picture(s) added.',
  'images.hq.none': 'This product has no pictures. The shop shows its initial instead.',
  'images.hq.main': 'Main picture',
  'images.hq.position': 'Picture {n}',
  'images.hq.save': 'Save',
  'images.hq.earlier': 'Move picture {n} earlier',
  'images.hq.later': 'Move picture {n} later',
  'images.hq.delete': 'Delete',
  'images.hq.confirmDelete': 'Delete this picture?',
};
