import { defineProblems, type CodesOf } from '../../platform/errors.ts';

export const customerProblems = defineProblems({
  'customer.not_found': {
    status: 404,
    ja: { title: '会員が見つかりません', detail: (p) => `会員 ${p.customerId} は登録されていません。` },
    en: { title: 'Customer not found', detail: (p) => `There is no customer ${p.customerId}.` },
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
  'customer.reset_code_invalid': {
    status: 400,
    ja: {
      title: '確認コードが正しくありません',
      detail: '確認コードが違うか、有効期限が切れています。もう一度コードを請求してください。',
    },
    en: { title: 'Invalid code', detail: 'The code is wrong or has expired. Ask for a new one.' },
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
