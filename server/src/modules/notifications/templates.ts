/** Japanese plain-text e-mails for the outbox's templates (order messages are transactional). */
export interface RenderedMail {
  subject: string;
  text: string;
}

const FOOTER = '\n\n――\nMusubi\n※このメールは送信専用です。ご返信いただいてもお答えできません。';

/** A time as the customer reads it: Japan time, e.g. 2026年4月15日 20:00. */
export function jaDateTime(iso: unknown): string | undefined {
  if (typeof iso !== 'string') return undefined;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return undefined;
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Tokyo', year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(d)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}年${p.month}月${p.day}日 ${p.hour}:${p.minute}`;
}

export function renderMail(template: string, payload: Record<string, unknown>): RenderedMail | undefined {
  const number = String(payload.number ?? '');
  switch (template) {
    case 'order_ready': {
      const deadline = jaDateTime(payload.deadline);
      return {
        subject: `【Musubi】ご注文 ${number} の商品のご用意ができました`,
        text: [
          'いつもMusubiをご利用いただきありがとうございます。',
          '',
          `ご注文番号 ${number} の商品のご用意ができました。店頭でお受け取りください。`,
          payload.pickupCode ? `受け取りコード: ${String(payload.pickupCode)}` : '',
          deadline ? `お受け取り期限: ${deadline}` : '',
          '',
          '期限を過ぎますとご注文は自動的にキャンセルとなりますのでご注意ください。',
        ]
          .filter((l, i, a) => l !== '' || a[i - 1] !== '')
          .join('\n') + FOOTER,
      };
    }
    case 'order_cancelled':
      return {
        subject: `【Musubi】ご注文 ${number} はキャンセルされました`,
        text: [
          'いつもMusubiをご利用いただきありがとうございます。',
          '',
          `ご注文番号 ${number} はキャンセルされました。`,
          'お支払い済みの金額は、ご利用のお支払い方法に返金（カードは与信の取消）いたします。',
          'ご不明な点がございましたら店舗までお問い合わせください。',
        ].join('\n') + FOOTER,
      };
    case 'order_out_for_delivery': {
      const window = jaDateTime(payload.slotStart);
      return {
        subject: `【Musubi】ご注文 ${number} の配達に出発しました`,
        text: [
          'いつもMusubiをご利用いただきありがとうございます。',
          '',
          `ご注文番号 ${number} の商品を店舗から配達に出発しました。`,
          window ? `お届け予定: ${window} からの時間帯` : '',
          'ご在宅でお待ちください。',
        ]
          .filter((l) => l !== '')
          .join('\n') + FOOTER,
      };
    }
    case 'password_reset':
      return {
        subject: '【Musubi】パスワード再設定のご案内',
        text: [
          'パスワード再設定のリクエストを受け付けました。',
          '',
          `確認コード: ${String(payload.code ?? '')}`,
          `このコードの有効期限は${String(payload.validMinutes ?? '')}分です。`,
          '',
          'お心当たりのない場合は、このメールを破棄してください。パスワードは変更されません。',
        ].join('\n') + FOOTER,
      };
    default:
      return undefined;
  }
}
