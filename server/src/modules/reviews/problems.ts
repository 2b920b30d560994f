import { defineProblems, type CodesOf } from '../../platform/errors.ts';

export const reviewProblems = defineProblems({
  'reviews.not_purchased': {
    status: 403,
    ja: {
      title: 'ご購入の方だけがレビューを書けます',
      detail: 'この商品のご購入（店舗・オンライン・アプリ）が確認できません。受け取り後にお書きください。',
    },
    en: {
      title: 'Only buyers may review',
      detail: 'No completed purchase of this product (store, web or app) is on her account.',
    },
  },
  'reviews.already_reviewed': {
    status: 409,
    ja: {
      title: 'レビューは投稿済みです',
      detail: 'この商品のレビューは1件までです。投稿済みのレビューを編集してください。',
    },
    en: { title: 'Already reviewed', detail: 'One review per product: edit the one she wrote.' },
  },
  'reviews.not_found': {
    status: 404,
    ja: { title: 'レビューが見つかりません', detail: 'このレビューは存在しないか、削除されました。' },
    en: { title: 'Review not found', detail: 'No such review, or it was deleted.' },
  },
  'reviews.own_review': {
    status: 409,
    ja: { title: 'ご自身のレビューです', detail: 'ご自身のレビューには投票・報告できません。' },
    en: { title: 'Her own review', detail: 'A member cannot vote on or report her own review.' },
  },
  'reviews.fit_without_size': {
    status: 422,
    ja: { title: 'サイズ感は選べません', detail: 'この商品にはサイズがないため、サイズ感は選べません。' },
    en: { title: 'No size to fit', detail: 'This product is not sold in sizes: leave the fit out.' },
  },
  'reviews.too_many_photos': {
    status: 409,
    ja: { title: '写真は3枚までです', detail: (p) => `1件のレビューに添付できる写真は ${p.max} 枚までです。` },
    en: { title: 'Too many photos', detail: (p) => `At most ${p.max} photos per review.` },
  },
  'reviews.bad_photo': {
    status: 422,
    ja: {
      title: '写真を読み込めません',
      detail: (p) => `JPEG・PNG・WebP の画像（${p.maxKb} KB まで）を選んでください。`,
    },
    en: { title: 'Unreadable photo', detail: (p) => `Send a JPEG, PNG or WebP image of at most ${p.maxKb} KB.` },
  },
  'reviews.not_hidden': {
    status: 409,
    ja: { title: '非表示ではありません', detail: 'このレビューは公開中です。' },
    en: { title: 'Not hidden', detail: 'This review is published.' },
  },
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof reviewProblems> {}
}
