import { defineProblems } from '../../platform/errors.ts';

export const clientelingProblems = defineProblems({
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
  'member_code.already_used': {
    status: 409,
    ja: {
      title: 'この会員証コードは使用済みです',
      detail:
        '同じコードは一度しか使えません（画面の写真などは使えません）。アプリの会員証を開き直してもらってください。',
    },
    en: {
      title: 'Member code already used',
      detail: 'Each code works once (a screenshot will not do). Ask the customer to reopen the member card in the app.',
    },
  },
  'clienteling.member_not_found': {
    status: 404,
    ja: { title: '会員が見つかりません', detail: (p) => `この${p.reasonKindJa ?? '番号'}の会員は登録されていません。` },
    en: { title: 'Member not found', detail: (p) => `No member has this ${p.kind ?? 'number'}.` },
  },
});
