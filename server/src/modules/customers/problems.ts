import { defineProblems, type CodesOf } from '../../platform/errors.ts';

export const customerProblems = defineProblems({
  'customer.location_consent_required': {
    status: 403,
    ja: {
      title: '位置情報の利用に同意していません',
      detail: '配信の受け取り設定で「位置情報」をオンにすると、近くの店舗のお知らせが届きます。',
    },
    en: {
      title: 'Location not agreed',
      detail: 'Turn on "Location" in your message settings to hear about stores nearby.',
    },
  },
  'customer.position_too_often': {
    status: 429,
    ja: { title: '位置情報の送信が多すぎます', detail: (p) => `${p.retryAfterSeconds} 秒後にもう一度送ってください。` },
    en: { title: 'Position reported too often', detail: (p) => `Report again in ${p.retryAfterSeconds} s.` },
  },
  'customer.address_book_full': {
    status: 409,
    ja: {
      title: 'お届け先がいっぱいです',
      detail: (p) => `お届け先は ${p.max} 件まで登録できます。使わないお届け先を削除してください。`,
    },
    en: { title: 'Address book full', detail: (p) => `Up to ${p.max} addresses; delete one you no longer use.` },
  },
  'customer.address_not_found': {
    status: 404,
    ja: { title: 'お届け先が見つかりません', detail: 'このお届け先は削除されたか、存在しません。' },
    en: { title: 'Address not found', detail: 'This address was deleted or never existed.' },
  },
  'customer.not_found': {
    status: 404,
    ja: { title: '会員が見つかりません', detail: (p) => `会員 ${p.customerId} は登録されていません。` },
    en: { title: 'Customer not found', detail: (p) => `There is no customer ${p.customerId}.` },
  },
  'customer.line_login_not_configured': {
    status: 404,
    ja: { title: 'LINE 連携は利用できません', detail: 'このサーバーには LINE ログインの設定がありません。' },
    en: { title: 'LINE linking is unavailable', detail: 'This server has no LINE Login channel settings.' },
  },
  'customer.line_state_invalid': {
    status: 400,
    ja: {
      title: 'LINE 連携をやり直してください',
      detail: '連携の手続きが古いか、別のログインで始められたものです。「LINEと連携する」からもう一度お試しください。',
    },
    en: {
      title: 'Start LINE linking again',
      detail: 'The linking request has expired or was started in another session.',
    },
  },
  'customer.line_login_failed': {
    status: 400,
    ja: {
      title: 'LINE で確認できませんでした',
      detail: 'LINE からの応答を確認できませんでした。「LINEと連携する」からもう一度お試しください。',
    },
    en: { title: 'LINE could not confirm it', detail: 'LINE’s answer could not be verified. Please try again.' },
  },
  'customer.line_unreachable': {
    status: 502,
    ja: {
      title: 'LINE に接続できません',
      detail: 'LINE との通信に失敗しました。しばらくしてからもう一度お試しください。',
    },
    en: { title: 'LINE is unreachable', detail: 'LINE did not answer. Please try again later.' },
  },
  'customer.line_not_linked': {
    status: 404,
    ja: { title: 'LINE は連携されていません', detail: 'この会員アカウントには LINE が連携されていません。' },
    en: { title: 'LINE is not linked', detail: 'No LINE account is linked to this membership.' },
  },
  'customer.identifier_taken': {
    status: 409,
    ja: { title: 'すでに登録されています', detail: (p) => `この${p.reasonKindJa}は別の会員が使っています。` },
    en: { title: 'Already registered', detail: (p) => `This ${p.kind} belongs to another member.` },
  },
  'customer.not_active': {
    status: 409,
    ja: {
      title: 'この会員は利用できません',
      detail: (p) => `会員 ${p.customerId} は${p.customerStatus === 'merged' ? '統合' : '削除'}済みです。`,
    },
    en: { title: 'Customer is not active', detail: (p) => `Customer ${p.customerId} has been ${p.customerStatus}.` },
  },
  'customer.session_not_found': {
    status: 404,
    ja: {
      title: 'ログイン中の端末が見つかりません',
      detail: 'この端末はすでにログアウトしているか、あなたのものではありません。一覧を読み込み直してください。',
    },
    en: {
      title: 'Session not found',
      detail: 'This device has already been signed out, or it is not yours. Reload the list.',
    },
  },
  'customer.reset_code_invalid': {
    status: 400,
    ja: {
      title: '確認コードが正しくありません',
      detail: '確認コードが違うか、有効期限が切れています。もう一度コードを請求してください。',
    },
    en: { title: 'Invalid code', detail: 'The code is wrong or has expired. Ask for a new one.' },
  },
  'customer.presence_required': {
    status: 403,
    ja: {
      title: 'ご本人の確認が必要です',
      detail:
        'ウォレット・ポイント・会員クーポンのご利用には、ご本人の確認が必要です。アプリの会員証QRコードを読み取るか、暗証番号の入力、またはメールの確認コードで確認してください。会員番号やカード番号だけでは、ポイントの付与のみできます。',
    },
    en: {
      title: 'The member must confirm it is her',
      detail:
        'Paying with her wallet, points or a member coupon needs proof that she is here: scan the member QR in her app, or let her type her PIN, or send her a confirmation code by e-mail. A member or card number alone only earns points.',
    },
  },
  'customer.pin_not_set': {
    status: 409,
    ja: {
      title: '暗証番号が設定されていません',
      detail: 'この会員は暗証番号を設定していません。アプリの会員証QRコードか、メールの確認コードで確認してください。',
    },
    en: {
      title: 'No PIN set',
      detail: 'This member has not set a PIN. Scan the member QR in her app, or send her a confirmation code.',
    },
  },
  'customer.pin_wrong': {
    status: 403,
    ja: {
      title: '暗証番号が違います',
      detail: '暗証番号が正しくありません。15分間に5回まちがえると、暗証番号での確認はしばらく使えなくなります。',
    },
    en: {
      title: 'Wrong PIN',
      detail: 'The PIN is not right. After 5 wrong PINs in 15 minutes, PIN checks pause for a while.',
    },
  },
  'customer.no_email': {
    status: 409,
    ja: {
      title: 'メールアドレスが登録されていません',
      detail:
        'この会員にはメールアドレスがないため、確認コードを送れません。会員証QRコードか暗証番号で確認してください。',
    },
    en: {
      title: 'No e-mail address',
      detail: 'This member has no e-mail address to send a code to. Use her member QR or her PIN.',
    },
  },
  'customer.presence_code_invalid': {
    status: 400,
    ja: {
      title: '確認コードが正しくありません',
      detail: '確認コードが違うか、有効期限（5分）が切れています。もう一度コードを送ってください。',
    },
    en: { title: 'Invalid code', detail: 'The code is wrong or has expired (5 minutes). Send a new one.' },
  },
  'customer.merge_invalid': {
    status: 409,
    ja: { title: '統合できません', detail: (p) => `${p.reasonJa}` },
    en: { title: 'Cannot merge', detail: (p) => `${p.reasonEn}` },
  },
  'customer.merge_not_undoable': {
    status: 409,
    ja: { title: '統合を取り消せません', detail: (p) => `${p.reasonJa}` },
    en: { title: 'Cannot undo the merge', detail: (p) => `${p.reasonEn}` },
  },
  'member_code.invalid': {
    status: 400,
    ja: {
      title: '会員証のコードを読み取れません',
      detail: 'このコードは Musubi の会員証ではないか、改変されています。アプリの会員証をもう一度読み取ってください。',
    },
    en: {
      title: 'Not a valid member code',
      detail: 'This is not a Musubi member code, or it has been altered. Scan the member card in the app again.',
    },
  },
  'member_code.expired': {
    status: 410,
    ja: {
      title: '会員証の有効期限が切れています',
      detail:
        '会員証のコードは約30秒ごとに更新されます。アプリの会員証を開き直してもらい、もう一度読み取ってください。',
    },
    en: {
      title: 'Member code expired',
      detail:
        'Member codes change about every 30 seconds. Ask the customer to reopen the member card in the app and scan again.',
    },
  },
});

export const identifierKindJa: Record<string, string> = {
  email: 'メールアドレス',
  phone: '電話番号',
  member_number: '会員番号',
  device: '端末',
  card: 'カード番号',
  line: 'LINE アカウント',
};

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof customerProblems> {}
}
