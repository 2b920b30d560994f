/** Japanese for product pictures in the shop: the product page's gallery. */
export const imagesJa = {
  'shop.product.pictures': '商品画像',
  'shop.product.picture': '画像 {n}：{alt}',
} as const;
