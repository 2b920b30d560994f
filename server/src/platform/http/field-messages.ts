import { z } from 'zod';
import type { Lang } from '../errors.ts';

/**
 * Messages for validation issues. Zod's own locales cover its built-in checks; our custom refinements
 * use a key (e.g. `jan_check_digit`) as their message, translated here.
 */
const custom: Record<string, Record<Lang, string>> = {
  jan_check_digit: { ja: 'JANコードのチェックデジットが正しくありません', en: 'JAN check digit is wrong' },
  jan_format: { ja: 'JANコードは13桁の数字です', en: 'A JAN code is 13 digits' },
  lat_lng: {
    ja: '緯度,経度 の形式で指定してください（例: 35.6595,139.7005）',
    en: 'Use LAT,LNG (e.g. 35.6595,139.7005)',
  },
  reason_required: { ja: '理由を入力してください', en: 'A reason is required' },
  to_location_required: { ja: '移動先の店舗を指定してください', en: 'Choose the destination location' },
  same_location: { ja: '移動元と移動先が同じです', en: 'Source and destination are the same' },
  nonzero: { ja: '0 以外の数を入力してください', en: 'Must not be zero' },
  positive_for_kind: { ja: 'この種類では 1 以上の数を入力してください', en: 'Must be 1 or more for this kind' },
  unique_lines: { ja: '同じ商品と店舗の行が重複しています', en: 'Each variant and location may appear once' },
  'catalog.duplicate_jan': { ja: '同じJANコードが複数のバリエーションにあります', en: 'The same JAN appears twice' },
  bad_cursor: { ja: 'カーソルが正しくありません', en: 'The cursor is not valid' },
  invalid_date: { ja: '存在する日付を YYYY-MM-DD で入力してください', en: 'Use a real date as YYYY-MM-DD' },
  hh_mm: { ja: '時刻は HH:MM（24時間）で入力してください', en: 'Use HH:MM (24-hour)' },
  postal_code: { ja: '郵便番号は 123-4567 の形式で入力してください', en: 'Use a postal code like 123-4567' },
  tender_reference: {
    ja: 'カード端末は承認番号とカードブランド、QRコード決済は取引番号とサービス名を入力してください',
    en: 'A card terminal payment needs its approval number and brand; a QR payment its transaction id and service',
  },
  invoice_number: {
    ja: '登録番号は T に続く13桁の数字です（先頭の確認用数字が合いません）',
    en: 'A registration number is T and 13 digits, the first a check digit (this one does not match)',
  },
  printer_host: {
    ja: 'プリンターのホスト名または IP アドレスを入力してください（例: 192.168.1.50）',
    en: "Give the printer's host name or IP address (e.g. 192.168.1.50)",
  },
  printer_port: { ja: 'ポート番号は 1〜65535 です（通常は 9100）', en: 'A port is 1 to 65535 (usually 9100)' },
  ends_before_start: { ja: '終了は開始より後の日時にしてください', en: 'The end must be after the start' },
  pickup_days: { ja: '受け取り期限は 1〜60 日です', en: 'Pickup days are 1 to 60' },
  delivery_radius: { ja: '配達範囲は 50 km までの正の数です', en: 'A delivery radius is above 0 and at most 50 km' },
  required: { ja: '入力してください', en: 'Required' },
  cash_short: { ja: 'お預かり金額がチャージ金額より少ないです', en: 'The cash received is less than the top-up' },
  members_only: { ja: '会員のみ利用できます', en: 'Members only' },
  tendered_too_low: { ja: 'お預かり金額が不足しています', en: 'Less cash than the amount' },
  jan_or_variant: { ja: 'JANコードか商品を指定してください', en: 'Give a JAN or a variant id' },
  invalid_phone: {
    ja: '電話番号の形式が正しくありません（例: 090-1234-5678）',
    en: 'Not a valid phone number (e.g. 090-1234-5678)',
  },
  invalid_email: { ja: 'メールアドレスの形式が正しくありません', en: 'Not a valid e-mail address' },
  invalid_pin: { ja: '暗証番号は4〜6桁の数字です', en: 'A PIN is 4 to 6 digits' },
  weak_pin: {
    ja: '推測されやすい暗証番号です（同じ数字の繰り返しや 1234 のような連番は使えません）',
    en: 'Too easy to guess (no repeated digit and no run such as 1234)',
  },
  wrong_password: { ja: 'パスワードが正しくありません', en: 'The password is not correct' },
  password_too_short: { ja: 'パスワードは10文字以上にしてください', en: 'A password needs at least 10 characters' },
  invalid_format: { ja: '形式が正しくありません', en: 'The format is not valid' },
  nul_character: {
    ja: '使用できない文字（NUL 制御文字）が含まれています',
    en: 'Contains a NUL character, which cannot be stored',
  },
  unpaired_surrogate: {
    ja: '文字化けした文字（対になっていないサロゲート）が含まれています',
    en: 'Contains an unpaired UTF-16 surrogate (not valid Unicode)',
  },
  invalid_reference: { ja: '指定されたデータが存在しません', en: 'Refers to something that does not exist' },
  constraint: { ja: '値が条件を満たしていません', en: 'The value is not allowed' },
  taken: { ja: '既に使われています', en: 'Already in use' },
  store_needs_location: { ja: '店舗スタッフには担当店舗が必要です', en: 'Store roles need at least one location' },
};

const locales = { ja: z.locales.ja(), en: z.locales.en() };

/** The value kinds a form or a client gets wrong most, in words (zod's ja locale says "string", "array"). */
const kinds: Record<string, Record<Lang, string>> = {
  string: { ja: '文字', en: 'text' },
  number: { ja: '数値', en: 'a number' },
  int: { ja: '整数', en: 'a whole number' },
  bigint: { ja: '整数', en: 'a whole number' },
  boolean: { ja: 'true か false', en: 'true or false' },
  array: { ja: '一覧（配列）', en: 'a list' },
  set: { ja: '一覧（配列）', en: 'a list' },
  object: { ja: 'オブジェクト', en: 'an object' },
  date: { ja: '日付', en: 'a date' },
};

/**
 * Our words for the checks every form meets (a missing or mistyped field, too short, too long, too many).
 * Zod's own ja messages name JavaScript types in English ("stringが期待されました") and, without the input,
 * say "undefinedが入力されました" whatever was sent.
 */
function ownWords(issue: RawIssue, lang: Lang): string | null {
  const ja = lang === 'ja';
  const kind = (name: unknown) => kinds[String(name)]?.[lang] ?? String(name);
  const n = (v: unknown) => (typeof v === 'bigint' ? v.toString() : Number(v).toLocaleString(ja ? 'ja-JP' : 'en'));
  switch (issue.code) {
    case 'invalid_type':
      return ja ? `${kind(issue.expected)}で入力してください` : `Expected ${kind(issue.expected)}`;
    case 'too_small': {
      const { origin, minimum, inclusive } = issue;
      if (origin === 'string')
        return Number(minimum) <= 1
          ? custom.required![lang]
          : ja
            ? `${n(minimum)}文字以上で入力してください`
            : `At least ${n(minimum)} characters`;
      if (origin === 'array' || origin === 'set')
        return ja ? `${n(minimum)}件以上指定してください` : `At least ${n(minimum)} item${minimum === 1 ? '' : 's'}`;
      if (origin === 'number' || origin === 'int' || origin === 'bigint')
        return inclusive === false
          ? ja
            ? `${n(minimum)}より大きい数を入力してください`
            : `Must be more than ${n(minimum)}`
          : ja
            ? `${n(minimum)}以上の数を入力してください`
            : `Must be ${n(minimum)} or more`;
      return null;
    }
    case 'too_big': {
      const { origin, maximum, inclusive } = issue;
      if (origin === 'string')
        return ja ? `${n(maximum)}文字以内で入力してください` : `At most ${n(maximum)} characters`;
      if (origin === 'array' || origin === 'set')
        return ja ? `${n(maximum)}件までにしてください` : `At most ${n(maximum)} item${maximum === 1 ? '' : 's'}`;
      if (origin === 'number' || origin === 'int' || origin === 'bigint')
        return inclusive === false
          ? ja
            ? `${n(maximum)}より小さい数を入力してください`
            : `Must be less than ${n(maximum)}`
          : ja
            ? `${n(maximum)}以下の数を入力してください`
            : `Must be ${n(maximum)} or less`;
      return null;
    }
    case 'invalid_format':
      // A pattern's own words would show the regular expression.
      return issue.format === 'regex' ? custom.invalid_format![lang] : null;
    default:
      return null;
  }
}

export interface RawIssue {
  code: string;
  message: string;
  path: PropertyKey[];
  [k: string]: unknown;
}

/** A message key of ours (e.g. `invalid_phone`) in the caller's language; other text passes through. */
export function translateKey(message: string, lang: Lang): string {
  return custom[message]?.[lang] ?? message;
}

export function translateIssue(issue: RawIssue, lang: Lang): string {
  const mine = custom[issue.message];
  if (mine) return mine[lang];
  if (issue.code === 'custom') return issue.message;
  const own = ownWords(issue, lang);
  if (own) return own;
  try {
    const text = locales[lang].localeError?.(issue as never);
    if (typeof text === 'string') return text;
    if (text && typeof text === 'object' && 'message' in text) return String((text as { message: unknown }).message);
  } catch {
    /* fall back to zod's own message */
  }
  return issue.message;
}
