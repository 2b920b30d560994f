import { defineProblems, type CodesOf } from '../../platform/errors.ts';

export const clientelingProblems = defineProblems({
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
  'clienteling.presence_method_off': {
    status: 409,
    ja: {
      title: 'この確認方法は使えません',
      detail: '本部の設定で、この方法でのご本人確認は使わないことになっています。ほかの方法で確認してください。',
    },
    en: {
      title: 'This proof is switched off',
      detail: 'Head office has switched this way of confirming the member off. Use another one.',
    },
  },
  'clienteling.not_scanned': {
    status: 409,
    ja: {
      title: '会員証を読み取ってください',
      detail:
        'この操作は、店頭で会員証を読み取ったお客様に対してだけできます（読み取りから60分以内、読み取った担当者のみ）。もう一度会員証を読み取ってください。',
    },
    en: {
      title: 'Scan the member first',
      detail:
        'This is only for the member scanned at this store, by the clerk who scanned her, within 60 minutes of the scan. Scan her member code again.',
    },
  },
  'clienteling.member_not_found': {
    status: 404,
    ja: { title: '会員が見つかりません', detail: (p) => `この${p.reasonKindJa ?? '番号'}の会員は登録されていません。` },
    en: { title: 'Member not found', detail: (p) => `No member has this ${p.kind ?? 'number'}.` },
  },
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof clientelingProblems> {}
}
