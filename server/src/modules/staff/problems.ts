import { defineProblems, type CodesOf } from '../../platform/errors.ts';

export const staffProblems = defineProblems({
  'auth.invalid_credentials': {
    status: 401,
    ja: { title: 'ログインできません', detail: 'メールアドレスまたはパスワードが正しくありません。' },
    en: { title: 'Login failed', detail: 'The e-mail or password is not correct.' },
  },
  'auth.too_many_attempts': {
    status: 429,
    ja: {
      title: 'ログインの試行回数が多すぎます',
      detail: (p) => `しばらく（約${p.retryAfterMinutes}分）待ってから再度お試しください。`,
    },
    en: { title: 'Too many login attempts', detail: (p) => `Wait about ${p.retryAfterMinutes} minutes and try again.` },
  },
  'staff.email_taken': {
    status: 409,
    ja: { title: 'このメールアドレスは登録済みです', detail: (p) => `${p.email} は既に使われています。` },
    en: { title: 'E-mail already registered', detail: (p) => `${p.email} is already in use.` },
  },
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof staffProblems> {}
}
