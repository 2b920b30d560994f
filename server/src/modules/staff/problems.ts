import { defineProblems, type CodesOf } from '../../platform/errors.ts';

/** A wait as a person reads it: seconds under a minute, minutes above. */
const seconds = (v: unknown) => Math.max(1, Math.ceil(Number(v) || 1));
const jaWait = (v: unknown) => (seconds(v) < 60 ? `${seconds(v)}秒` : `${Math.ceil(seconds(v) / 60)}分`);
const enWait = (v: unknown) =>
  seconds(v) < 60 ? `${seconds(v)} s` : `${Math.ceil(seconds(v) / 60)} minute${seconds(v) > 60 ? 's' : ''}`;

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
      detail: (p) => `${jaWait(p.retryAfterSeconds)}ほど待ってから再度お試しください。`,
    },
    en: { title: 'Too many login attempts', detail: (p) => `Wait about ${enWait(p.retryAfterSeconds)} and try again.` },
  },
  'auth.email_code_required': {
    status: 401,
    ja: {
      title: 'メールの確認コードが必要です',
      detail: (p) =>
        `このアカウントへのログインの失敗が続いたため、登録メールアドレスに6桁の確認コードをお送りしました（有効期限${p.validMinutes}分）。` +
        'パスワードとあわせて入力してください。メールが届かない場合は、パスワードを確かめてもう一度お試しください。',
    },
    en: {
      title: 'E-mailed code required',
      detail: (p) =>
        `Sign-ins to this account kept failing, so we e-mailed a 6-digit code to its address (valid ${p.validMinutes} minutes). ` +
        'Enter it with your password. If no mail arrives, check your password and try again.',
    },
  },
  'auth.email_code_invalid': {
    status: 401,
    ja: {
      title: '確認コードまたはパスワードが正しくありません',
      detail: 'メールで届いた最新の確認コードとパスワードを確かめてください。コードは10分間、1回だけ使えます。',
    },
    en: {
      title: 'Wrong code or password',
      detail: 'Check the latest code from the e-mail and your password. A code works once, for 10 minutes.',
    },
  },
  'auth.totp_required': {
    status: 401,
    ja: { title: '確認コードが必要です', detail: '認証アプリに表示されている6桁の確認コードを入力してください。' },
    en: { title: 'Code required', detail: 'Enter the 6-digit code shown in your authenticator app.' },
  },
  'auth.totp_invalid': {
    status: 401,
    ja: { title: '確認コードが正しくありません', detail: '認証アプリに表示されている最新のコードを入力してください。' },
    en: { title: 'Wrong code', detail: 'Enter the current code shown in your authenticator app.' },
  },
  'auth.totp_enrolment_required': {
    status: 403,
    ja: {
      title: '2段階認証の設定が必要です',
      detail: 'あなたの役割では2段階認証が必須です。設定を済ませてから操作してください。',
    },
    en: {
      title: 'Two-factor sign-in required',
      detail: 'Your role requires two-factor sign-in. Set it up before you continue.',
    },
  },
  'staff.totp_code_wrong': {
    status: 422,
    ja: { title: '確認コードが正しくありません', detail: '認証アプリに表示されている最新のコードを入力してください。' },
    en: { title: 'Wrong code', detail: 'Enter the current code shown in your authenticator app.' },
  },
  'staff.totp_state': {
    status: 409,
    ja: {
      title: '2段階認証の状態が変わっています',
      detail: (p) =>
        p.enabled ? '2段階認証は既に有効です。' : '2段階認証は有効ではありません。設定からやり直してください。',
    },
    en: {
      title: 'Two-factor state has changed',
      detail: (p) =>
        p.enabled ? 'Two-factor sign-in is already on.' : 'Two-factor sign-in is not on. Start the set-up again.',
    },
  },
  'staff.totp_required_by_role': {
    status: 403,
    ja: { title: '2段階認証は解除できません', detail: 'あなたの役割では2段階認証が必須です（オーナーの設定）。' },
    en: { title: 'Two-factor sign-in cannot be turned off', detail: "Your role requires it (the owner's setting)." },
  },
  'staff.session_not_found': {
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
  'staff.email_taken': {
    status: 409,
    ja: { title: 'このメールアドレスは登録済みです', detail: (p) => `${p.email} は既に使われています。` },
    en: { title: 'E-mail already registered', detail: (p) => `${p.email} is already in use.` },
  },
  'staff.pin_wrong': {
    status: 403,
    ja: {
      title: '暗証番号が違います',
      detail:
        '名前と暗証番号を確かめてください。15分間に5回まちがえると、その担当者への切替はしばらく使えなくなります。',
    },
    en: {
      title: 'Wrong PIN',
      detail:
        'Check the name and the PIN. After five wrong PINs in 15 minutes, switching to that person pauses for a while.',
    },
  },
  'staff.pin_not_set': {
    status: 409,
    ja: {
      title: '暗証番号が未設定です',
      detail:
        'この担当者は暗証番号をまだ設定していません。本人がパスワードでログインし、「セキュリティ」で設定してください。',
    },
    en: {
      title: 'No PIN set',
      detail: 'This person has not set a PIN yet. She signs in with her password and sets one under Security.',
    },
  },
  'staff.pin_locked': {
    status: 429,
    ja: {
      title: '担当切替を一時停止しています',
      detail: (p) =>
        `暗証番号のまちがいが続いたため、この担当者への切替は${jaWait(p.retryAfterSeconds)}ほど使えません。` +
        'パスワードでログインするか、店長に暗証番号のリセットを頼んでください。',
    },
    en: {
      title: 'PIN switch paused',
      detail: (p) =>
        `Too many wrong PINs: switching to this person is paused for about ${enWait(p.retryAfterSeconds)}. ` +
        'Sign in with the password, or ask a manager to reset the PIN.',
    },
  },
  'staff.not_found': {
    status: 404,
    ja: {
      title: 'スタッフが見つかりません',
      detail: 'このスタッフは存在しないか、あなたの担当店舗のスタッフではありません。',
    },
    en: { title: 'Staff member not found', detail: 'No such staff member, or not one of your stores.' },
  },
  'staff.self_change': {
    status: 409,
    ja: {
      title: '自分の役割や有効・無効は変更できません',
      detail: '自分のアカウントの役割の変更や無効化は、別の管理者に依頼してください。',
    },
    en: {
      title: 'You cannot change your own role or deactivate yourself',
      detail: 'Ask another administrator to change your role or deactivate your account.',
    },
  },
  'staff.api_token_not_found': {
    status: 404,
    ja: { title: 'API トークンが見つかりません', detail: 'このトークンは存在しないか、既に無効化されています。' },
    en: { title: 'API token not found', detail: 'No such token, or it has already been revoked.' },
  },
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof staffProblems> {}
}
