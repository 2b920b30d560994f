/**
 * Plain-text e-mails for the outbox's templates (order messages are transactional). Japanese; the order
 * confirmation also carries an English part, since we do not know the customer's language and a guest
 * (a visitor ordering for pickup) may not read Japanese.
 */
export interface RenderedMail {
  subject: string;
  text: string;
}

/** The shop's name closes every e-mail (the business's own name; Musubi until the owner sets it). */
const footer = (brand: string) => `\n\n――\n${brand}\n※このメールは送信専用です。ご返信いただいてもお答えできません。`;

/** A time as the customer reads it: Japan time, e.g. 2026年4月15日 20:00. */
// Made once: building an Intl.DateTimeFormat costs more than formatting with it.
const JA_PARTS = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Asia/Tokyo',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const EN_DAY = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Tokyo',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});
const EN_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Tokyo',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

export function jaDateTime(iso: unknown): string | undefined {
  if (typeof iso !== 'string') return undefined;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return undefined;
  const p = Object.fromEntries(JA_PARTS.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}年${p.month}月${p.day}日 ${p.hour}:${p.minute}`;
}

/** A time in English, Japan time, e.g. 15 April 2026, 20:00 (JST). */
export function enDateTime(iso: unknown): string | undefined {
  if (typeof iso !== 'string') return undefined;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return undefined;
  const day = EN_DAY.format(d);
  const time = EN_TIME.format(d);
  return `${day}, ${time} (JST)`;
}

/** How the order reaches her, in the shop's words. */
export const FULFILMENT_NAMES: Record<string, { ja: string; en: string }> = {
  ship: { ja: '配送', en: 'Delivery by courier' },
  delivery: { ja: 'お届け（近隣配達）', en: 'Local delivery' },
  pickup: { ja: '店舗受け取り', en: 'Store pickup' },
  hold: { ja: '取り置き', en: 'Hold at the store (取り置き)' },
  order_ahead: { ja: 'モバイルオーダー', en: 'Order ahead' },
  instore: { ja: '店頭でのお買い物', en: 'In store' },
};

/** A line of a mail; null leaves it out (a blank line is ''). */
type Line = string | null;

/** What happens next, per fulfilment: the second paragraph of the order confirmation (ja, en). */
function nextStep(type: string, p: Record<string, unknown>): { ja: Line[]; en: Line[] } {
  const deadline = { ja: jaDateTime(p.deadline), en: enDateTime(p.deadline) };
  const slot = { ja: jaDateTime(p.slotStart), en: enDateTime(p.slotStart) };
  switch (type) {
    case 'pickup':
      return {
        ja: ['商品のご用意ができましたら、受け取りコードをメールでお知らせします。'],
        en: ['We will e-mail you the pickup code when your order is ready.'],
      };
    case 'hold':
      return {
        ja: [
          deadline.ja ? `お取り置き期限: ${deadline.ja}` : null,
          'お支払いは店頭でお受け取りの際にお願いいたします。',
        ],
        en: [
          deadline.en ? `We hold it for you until ${deadline.en}.` : null,
          'Please pay at the store when you collect it.',
        ],
      };
    case 'order_ahead':
      return {
        ja: [slot.ja ? `お受け取り時間: ${slot.ja}` : null, 'ご用意ができましたらお知らせします。'],
        en: [slot.en ? `Pickup time: ${slot.en}` : null, 'We will let you know when it is ready.'],
      };
    case 'ship':
      return { ja: ['発送しましたら改めてお知らせします。'], en: ['We will let you know when it ships.'] };
    default:
      return { ja: ['お届けまで今しばらくお待ちください。'], en: ['We will be in touch about your order.'] };
  }
}

const yen = (n: unknown) => `¥${(typeof n === 'number' ? n : 0).toLocaleString('ja-JP')}`;

/**
 * The order's 明細 as the confirmation prints it (notifier.ts orderInvoice): with the business's registration
 * number it is a 適格簡易請求書 — items with ※ at the reduced rate, totals, and the tax per rate.
 */
function invoiceLines(raw: unknown): Line[] {
  if (!raw || typeof raw !== 'object') return [];
  const inv = raw as {
    business?: { name?: string; registrationNumber?: string | null };
    lines?: Array<{ name: string; options: string; quantity: number; total: number; reducedRate: boolean }>;
    subtotal?: number;
    discountTotal?: number;
    shippingFee?: number;
    total?: number;
    taxes?: Array<{ rate: number; base: number; tax: number }>;
  };
  const lines = inv.lines ?? [];
  const numbered = inv.business?.registrationNumber;
  return [
    '',
    numbered ? '【ご注文明細（適格簡易請求書）】' : '【ご注文明細】',
    ...lines.map(
      (l) =>
        `${l.name}${l.options ? `（${l.options}）` : ''}${l.reducedRate ? ' ※' : ''}　${l.quantity}点　${yen(l.total)}`,
    ),
    `小計: ${yen(inv.subtotal)}`,
    inv.discountTotal ? `割引: -${yen(inv.discountTotal)}` : null,
    inv.shippingFee ? `送料・配達料: ${yen(inv.shippingFee)}` : null,
    `合計: ${yen(inv.total)}（税込）`,
    ...(inv.taxes ?? []).map((x) => `${x.rate}%対象: ${yen(x.base)}（内消費税 ${yen(x.tax)}）`),
    lines.some((l) => l.reducedRate) ? '※印は軽減税率（8%）対象商品です。' : null,
    inv.business?.name ? `発行: ${inv.business.name}${numbered ? `　登録番号 ${numbered}` : ''}` : null,
  ];
}

function orderPlacedMail(payload: Record<string, unknown>, brand: string): RenderedMail {
  const number = String(payload.number ?? '');
  const type = String(payload.type ?? '');
  const name = FULFILMENT_NAMES[type] ?? { ja: type, en: type };
  const total = typeof payload.total === 'number' ? `¥${payload.total.toLocaleString('ja-JP')}` : undefined;
  const next = nextStep(type, payload);
  const invoice = invoiceLines(payload.invoice);
  const ja: Line[] = [
    `いつも${brand}をご利用いただきありがとうございます。`,
    '以下の内容でご注文を承りました。',
    '',
    `ご注文番号: ${number}`,
    `お受け取り方法: ${name.ja}`,
    total ? `お支払い合計: ${total}（税込）` : null,
    '',
    ...next.ja,
    ...invoice,
  ];
  const en: Line[] = [
    '[English]',
    'Thank you for your order. We have received it.',
    '',
    `Order number: ${number}`,
    `Fulfilment: ${name.en}`,
    total ? `Total: ${total} (tax included)` : null,
    '',
    ...next.en,
  ];
  return {
    subject: `【${brand}】ご注文を承りました（${number}）/ Order received`,
    text:
      [...ja, '', ...en].filter((l) => l !== null).join('\n') +
      footer(brand) +
      '\nThis address is send-only; replies are not read.',
  };
}

const EN_FOOTER = '\nThis address is send-only; replies are not read.';
const bilingual = (brand: string, ja: Line[], en: Line[]) =>
  [...ja, '', '[English]', ...en].filter((l) => l !== null).join('\n') + footer(brand) + EN_FOOTER;

/** The code a login asks for after many failed attempts on the account (platform/login-proof.ts). */
function loginCodeMail(p: Record<string, unknown>, brand: string): RenderedMail {
  const code = String(p.code ?? '');
  const minutes = String(p.validMinutes ?? '');
  return {
    subject: `【${brand}】ログイン確認コード / Sign-in code`,
    text: bilingual(
      brand,
      [
        'このアカウントへのログインの失敗が続いたため、ログインには確認コードが必要です。',
        '',
        `確認コード: ${code}`,
        `有効期限は${minutes}分、1回だけ使えます。ログイン画面でパスワードとあわせて入力してください。`,
        '',
        'ご自身でログインしようとしていない場合は、このコードを誰にも伝えないでください。パスワードを変更することをおすすめします。',
      ],
      [
        'Sign-ins to this account kept failing, so signing in now needs a code.',
        '',
        `Code: ${code}`,
        `It works once, for ${minutes} minutes. Enter it with your password on the sign-in screen.`,
        '',
        'If you are not signing in, do not share this code with anyone, and consider changing your password.',
      ],
    ),
  };
}

/** The owner of an account hears, once per window, that sign-ins to it keep failing. */
function loginAttemptsNoticeMail(p: Record<string, unknown>, brand: string): RenderedMail {
  const failures = Number(p.failures ?? 0);
  const staff = p.app === 'staff';
  const at = { ja: jaDateTime(p.at), en: enDateTime(p.at) };
  return {
    subject: `【${brand}】ログインの試行が続いています / Repeated sign-in attempts`,
    text: bilingual(
      brand,
      [
        'あなたのアカウントで、パスワードの誤ったログインが続いています。',
        '',
        `失敗した回数: ${failures}回以上（直近15分ほど）`,
        at.ja ? `日時: ${at.ja}` : null,
        '',
        'ご自身の入力ミスであれば、対応は不要です。次回のログインでは、メールでお送りする確認コードの入力をお願いすることがあります。',
        'お心当たりがない場合は、第三者がパスワードを推測しようとしている可能性があります。パスワードを長く推測されにくいものに変更してください。',
        staff
          ? '2段階認証（認証アプリ）をまだ設定していない場合は、設定をおすすめします。不審な点はオーナーにご相談ください。'
          : 'ほかのサービスと同じパスワードを使っている場合は、そちらも変更してください。',
      ],
      [
        'Sign-ins to your account keep failing with a wrong password.',
        '',
        `Failed attempts: ${failures} or more (in about the last 15 minutes)`,
        at.en ? `Time: ${at.en}` : null,
        '',
        'If it was you mistyping, there is nothing to do. Your next sign-in may ask for a code we e-mail you.',
        'If it was not you, someone may be guessing your password: change it to a long one that is hard to guess.',
        staff
          ? 'If you have not set up two-factor sign-in (an authenticator app), we recommend it. Tell the owner about anything suspicious.'
          : 'If you use the same password elsewhere, change it there too.',
      ],
    ),
  };
}

/** A campaign's e-mail: the marketer's words, the link on this site, and how to stop these e-mails. */
function campaignMail(p: Record<string, unknown>, brand: string): RenderedMail {
  const url = typeof p.url === 'string' ? p.url : null;
  const unsubscribe = typeof p.unsubscribeUrl === 'string' ? p.unsubscribeUrl : null;
  return {
    subject: `【${brand}】${String(p.title ?? '')}`,
    text:
      [
        String(p.body ?? ''),
        ...(url ? ['', url] : []),
        '',
        '――',
        'このメールはお知らせの受け取りに同意いただいた方にお送りしています。',
        '配信の停止はマイページの「お知らせの受け取り設定」からいつでもできます。',
        ...(unsubscribe ? [`メールでのお知らせの停止: ${unsubscribe}`] : []),
      ].join('\n') + footer(brand),
  };
}

/**
 * The e-mail for an outbox message. `brand` is the shop's name the customer knows (the business's name, read when
 * the mail is sent); Musubi only until the owner has set it.
 */
export function renderMail(
  template: string,
  payload: Record<string, unknown>,
  brand = 'Musubi',
): RenderedMail | undefined {
  const number = String(payload.number ?? '');
  switch (template) {
    case 'campaign':
      return campaignMail(payload, brand);
    case 'appointment_booked':
    case 'appointment_reminder':
    case 'appointment_cancelled':
      return {
        subject: `【${brand}】${String(payload.title ?? '')}`,
        text:
          [
            `いつも${brand}をご利用いただきありがとうございます。`,
            '',
            String(payload.body ?? ''),
            '',
            'ご予約の確認・変更・キャンセルはマイページの「来店予約」からどうぞ（開始2時間前まで）。',
          ].join('\n') + footer(brand),
      };
    case 'order_placed':
      return orderPlacedMail(payload, brand);
    case 'order_ready': {
      const deadline = jaDateTime(payload.deadline);
      return {
        subject: `【${brand}】ご注文 ${number} の商品のご用意ができました`,
        text:
          [
            `いつも${brand}をご利用いただきありがとうございます。`,
            '',
            `ご注文番号 ${number} の商品のご用意ができました。店頭でお受け取りください。`,
            payload.pickupCode ? `受け取りコード: ${String(payload.pickupCode)}` : '',
            deadline ? `お受け取り期限: ${deadline}` : '',
            '',
            '期限を過ぎますとご注文は自動的にキャンセルとなりますのでご注意ください。',
          ]
            .filter((l, i, a) => l !== '' || a[i - 1] !== '')
            .join('\n') + footer(brand),
      };
    }
    case 'order_cancelled':
      return {
        subject: `【${brand}】ご注文 ${number} はキャンセルされました`,
        text:
          [
            `いつも${brand}をご利用いただきありがとうございます。`,
            '',
            `ご注文番号 ${number} はキャンセルされました。`,
            'お支払い済みの金額は、ご利用のお支払い方法に返金（カードは与信の取消）いたします。',
            'ご不明な点がございましたら店舗までお問い合わせください。',
          ].join('\n') + footer(brand),
      };
    case 'order_out_for_delivery': {
      const window = jaDateTime(payload.slotStart);
      return {
        subject: `【${brand}】ご注文 ${number} の配達に出発しました`,
        text:
          [
            `いつも${brand}をご利用いただきありがとうございます。`,
            '',
            `ご注文番号 ${number} の商品を店舗から配達に出発しました。`,
            window ? `お届け予定: ${window} からの時間帯` : '',
            'ご在宅でお待ちください。',
          ]
            .filter((l) => l !== '')
            .join('\n') + footer(brand),
      };
    }
    case 'presence_code':
      return {
        subject: `【${brand}】店頭でのご本人確認コード`,
        text:
          [
            `${String(payload.storeName ?? '店舗')}のレジで、ウォレット・ポイントのご利用のためにご本人確認をしています。`,
            '',
            `確認コード: ${String(payload.code ?? '')}`,
            `このコードの有効期限は${String(payload.validMinutes ?? '')}分です。レジの係員にお伝えください。`,
            '',
            'お心当たりのない場合は、このコードを誰にも伝えず、お問い合わせください。',
          ].join('\n') + footer(brand),
      };
    case 'login_code':
      return loginCodeMail(payload, brand);
    case 'login_attempts_notice':
      return loginAttemptsNoticeMail(payload, brand);
    case 'password_reset':
      return {
        subject: `【${brand}】パスワード再設定のご案内`,
        text:
          [
            'パスワード再設定のリクエストを受け付けました。',
            '',
            `確認コード: ${String(payload.code ?? '')}`,
            `このコードの有効期限は${String(payload.validMinutes ?? '')}分です。`,
            '',
            'お心当たりのない場合は、このメールを破棄してください。パスワードは変更されません。',
          ].join('\n') + footer(brand),
      };
    default:
      return undefined;
  }
}
