import type { Lang } from '../../platform/errors.ts';

type Params = Record<string, string | number>;
type Text = (p: Params) => string;

/** Why a row of a CSV was refused, in Japanese and English: the dry run's table shows one per cell. */
export const rowReasons = {
  required: { ja: () => '必須の項目が空です', en: () => 'This column is required' },
  columns: {
    ja: (p) => `列の数が見出しと合いません（見出し ${p.expected} 列、この行 ${p.got} 列）`,
    en: (p) => `The row has ${p.got} columns where the header has ${p.expected}`,
  },
  jan_format: { ja: () => 'JANコードは13桁の数字です', en: () => 'A JAN code is 13 digits' },
  jan_check_digit: {
    ja: () => 'JANコードのチェックデジットが正しくありません',
    en: () => 'The JAN code’s check digit is wrong',
  },
  tax_rate: { ja: () => '税率は 10 または 8 です', en: () => 'The tax rate is 10 or 8' },
  price: {
    ja: () => '価格は 0 以上の整数（円・税込）です',
    en: () => 'The price is a whole number of yen (tax included), 0 or more',
  },
  count: { ja: () => '数量は 0 以上の整数です', en: () => 'The count is a whole number, 0 or more' },
  too_long: {
    ja: (p) => `${p.max} 文字以内で入力してください`,
    en: (p) => `At most ${p.max} characters`,
  },
  category: {
    ja: (p) => `カテゴリ「${p.category}」は登録されていません`,
    en: (p) => `There is no category “${p.category}”`,
  },
  location: {
    ja: (p) => `店舗コード「${p.code}」の店舗はありません`,
    en: (p) => `There is no location with the code “${p.code}”`,
  },
  variant: {
    ja: (p) => `${p.key} の商品は登録されていません`,
    en: (p) => `No variant has ${p.key}`,
  },
  sku_or_jan: { ja: () => 'SKU か JANコードのどちらかを入力してください', en: () => 'Give a SKU or a JAN code' },
  duplicate: {
    ja: (p) => `${p.line} 行目と重複しています`,
    en: (p) => `Same as line ${p.line}`,
  },
  product_mismatch: {
    ja: (p) => `同じ品番の ${p.line} 行目と内容が違います`,
    en: (p) => `Differs from line ${p.line}, which has the same product code`,
  },
  jan_taken: {
    ja: (p) => `JANコード ${p.jan} は既に SKU ${p.sku} に使われています`,
    en: (p) => `The JAN ${p.jan} already belongs to the SKU ${p.sku}`,
  },
  code_mismatch: {
    ja: (p) => `SKU ${p.sku} は別の品番（${p.code}）の商品に登録されています`,
    en: (p) => `The SKU ${p.sku} belongs to another product code (${p.code})`,
  },
  flag: {
    ja: () => '1/0、はい/いいえ、同意/拒否 のいずれかで入力してください',
    en: () => 'Write 1/0, yes/no (はい/いいえ, 同意/拒否)',
  },
  email: { ja: () => 'メールアドレスの形式が正しくありません', en: () => 'Not an e-mail address' },
  phone: { ja: () => '電話番号の形式が正しくありません', en: () => 'Not a phone number' },
  birthday: {
    ja: () => '生年月日は YYYY-MM-DD または YYYY/MM/DD で入力してください',
    en: () => 'Write the birthday as YYYY-MM-DD or YYYY/MM/DD',
  },
  member: {
    ja: (p) => `会員番号 ${p.memberNumber} の会員はいません`,
    en: (p) => `There is no member ${p.memberNumber}`,
  },
  identifier_taken: {
    ja: () => 'このメールアドレスまたは電話番号は別の会員のものです',
    en: () => 'This e-mail address or phone number belongs to another member',
  },
  run_failed: {
    ja: (p) => `取り込みが途中で止まりました: ${p.detail}`,
    en: (p) => `The import stopped: ${p.detail}`,
  },
} satisfies Record<string, { ja: Text; en: Text }>;

export type RowReason = keyof typeof rowReasons;

export function reasonText(code: string, params: Params, lang: Lang): string {
  const r = rowReasons[code as RowReason];
  return r ? r[lang](params) : code;
}
