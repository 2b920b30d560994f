import { defineProblems, type CodesOf } from '../../platform/errors.ts';

export const catalogProblems = defineProblems({
  'catalog.product_not_found': {
    status: 404,
    ja: { title: '商品が見つかりません', detail: (p) => `商品 ${p.productId} は存在しません。` },
    en: { title: 'Product not found', detail: (p) => `There is no product ${p.productId}.` },
  },
  'catalog.variant_not_found': {
    status: 404,
    ja: { title: '商品（SKU）が見つかりません', detail: (p) => `バリエーション ${p.variantId} は存在しません。` },
    en: { title: 'Variant not found', detail: (p) => `There is no variant ${p.variantId}.` },
  },
  'catalog.barcode_not_found': {
    status: 404,
    ja: { title: 'JANコードが見つかりません', detail: (p) => `JANコード ${p.jan} の商品は登録されていません。` },
    en: { title: 'Barcode not found', detail: (p) => `No product has the JAN code ${p.jan}.` },
  },
  'catalog.category_not_found': {
    status: 404,
    ja: { title: 'カテゴリが見つかりません', detail: (p) => `カテゴリ ${p.categoryId} は存在しません。` },
    en: { title: 'Category not found', detail: (p) => `There is no category ${p.categoryId}.` },
  },
  'catalog.category_cycle': {
    status: 422,
    ja: { title: 'カテゴリを移動できません', detail: 'カテゴリを自分自身やその下のカテゴリの中には移動できません。' },
    en: {
      title: 'Category cannot move there',
      detail: 'A category cannot move under itself or one of its own subcategories.',
    },
  },
  'catalog.nothing_to_change': {
    status: 400,
    ja: { title: '変更する項目がありません', detail: '価格・オプション・状態のうち変更するものを指定してください。' },
    en: { title: 'Nothing to change', detail: 'Give at least one of price, options or status.' },
  },
  'catalog.sku_taken': {
    status: 409,
    ja: { title: 'SKU が重複しています', detail: (p) => `SKU ${p.sku} は既に使われています。` },
    en: { title: 'SKU already in use', detail: (p) => `The SKU ${p.sku} is already in use.` },
  },
  'catalog.jan_taken': {
    status: 409,
    ja: { title: 'JANコードが重複しています', detail: (p) => `JANコード ${p.jan} は既に別の商品に使われています。` },
    en: { title: 'JAN already in use', detail: (p) => `The JAN code ${p.jan} already belongs to another variant.` },
  },
  'catalog.image_not_found': {
    status: 404,
    ja: { title: '画像が見つかりません', detail: (p) => `画像 ${p.imageId} は存在しません。` },
    en: { title: 'Image not found', detail: (p) => `There is no image ${p.imageId}.` },
  },
  'catalog.image_colour_unknown': {
    status: 422,
    ja: {
      title: 'この商品にないカラーです',
      detail: (p) => `「${p.colour}」はこの商品のバリエーションのどの値でもありません。`,
    },
    en: {
      title: 'Not a colour of this product',
      detail: (p) => `"${p.colour}" is not an option value of any of this product's variants.`,
    },
  },
  'catalog.too_many_images': {
    status: 409,
    ja: {
      title: '画像が多すぎます',
      detail: (p) => `1 商品の画像は ${p.max} 枚までです。不要な画像を削除してください。`,
    },
    en: { title: 'Too many images', detail: (p) => `A product may have at most ${p.max} images. Delete one first.` },
  },
  'catalog.image_order_mismatch': {
    status: 422,
    ja: {
      title: '並び順が画像の一覧と合いません',
      detail: 'この商品の画像をすべて、1 回ずつ並べて送ってください（画面を再読み込みしてからやり直してください）。',
    },
    en: {
      title: 'The order does not match the images',
      detail: 'Send every image of this product, each once (reload and try again).',
    },
  },
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof catalogProblems> {}
}
