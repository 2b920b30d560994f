/**
 * One way to fail: services throw a DomainError with a stable, namespaced code; the HTTP layer turns it
 * into RFC 9457 application/problem+json in the caller's language. Each module declares its codes once
 * with defineProblems().
 */
export type Lang = 'ja' | 'en';
type Params = Record<string, unknown>;
type Text = string | ((p: Params) => string);

export interface ProblemDefinition {
  status: number;
  ja: { title: string; detail: Text };
  en: { title: string; detail: Text };
}

export interface FieldError {
  field: string;
  message: string;
}

const registry = new Map<string, ProblemDefinition>();

/**
 * Every problem code there is. Each catalogue adds its codes by declaration merging, next to its
 * defineProblems() call:
 *   declare module '../../platform/errors.ts' { interface ProblemCodes extends CodesOf<typeof orderProblems> {} }
 * so a DomainError with a code no catalogue declares (a typo) does not compile.
 */
export interface ProblemCodes extends CodesOf<typeof platformProblems> {}
export type ProblemCode = keyof ProblemCodes & string;
/** The codes of a catalogue, as ProblemCodes holds them. */
export type CodesOf<Catalogue> = { readonly [K in keyof Catalogue]: true };

export function defineProblems<const T extends Record<string, ProblemDefinition>>(defs: T): { [K in keyof T]: K } {
  const codes = {} as { [K in keyof T]: K };
  for (const [code, def] of Object.entries(defs)) {
    registry.set(code, def);
    (codes as Record<string, string>)[code] = code;
  }
  return codes;
}

export function problemDefinition(code: string): ProblemDefinition | undefined {
  return registry.get(code);
}

export function allProblemCodes(): string[] {
  return [...registry.keys()].sort();
}

export class DomainError extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly params: Params = {},
    readonly fields?: FieldError[],
  ) {
    super(code);
    this.name = 'DomainError';
  }

  get status(): number {
    return registry.get(this.code)?.status ?? 500;
  }
}

export function renderText(text: Text, params: Params): string {
  return typeof text === 'function' ? text(params) : text;
}

export const platformProblems = defineProblems({
  'platform.validation': {
    status: 400,
    ja: { title: '入力内容に誤りがあります', detail: '入力内容を確認してください。' },
    en: { title: 'The request is not valid', detail: 'Check the fields listed in errors.' },
  },
  'platform.bad_request': {
    status: 400,
    ja: {
      title: 'リクエストを読み取れません',
      detail: 'URL またはヘッダーが HTTP として正しくありません（日本語などはパーセントエンコードしてください）。',
    },
    en: {
      title: 'Malformed request',
      detail: 'The URL or headers are not valid HTTP (percent-encode non-ASCII characters).',
    },
  },
  'platform.invalid_json': {
    status: 400,
    ja: { title: 'JSON を読み取れません', detail: 'リクエスト本文が正しい JSON ではありません。' },
    en: { title: 'Malformed JSON', detail: 'The request body is not valid JSON.' },
  },
  'platform.uri_too_long': {
    status: 414,
    ja: { title: 'URL が長すぎます', detail: 'URL に含まれる ID などの値が長すぎます。' },
    en: { title: 'URI too long', detail: 'A value in the URL (an id) is too long.' },
  },
  'platform.invalid_value': {
    status: 400,
    ja: {
      title: '保存できない値です',
      detail: '値の形式・長さ・範囲のいずれかがデータベースの制約に合いません。入力内容を確認してください。',
    },
    en: {
      title: 'Value cannot be stored',
      detail: 'A value has the wrong format, is too long or out of range. Check the input.',
    },
  },
  'platform.invalid_reference': {
    status: 422,
    ja: { title: '参照先が存在しません', detail: '指定された ID のデータが見つかりません。' },
    en: { title: 'Reference not found', detail: 'An id in the request refers to something that does not exist.' },
  },
  'platform.constraint_violation': {
    status: 422,
    ja: { title: '条件を満たしていません', detail: '入力内容がデータの条件に合いません。' },
    en: { title: 'Constraint violated', detail: 'The request breaks a rule the data must keep.' },
  },
  'platform.already_exists': {
    status: 409,
    ja: { title: '既に登録されています', detail: '同じ値のデータが既に存在します。' },
    en: { title: 'Already exists', detail: 'Something with the same value already exists.' },
  },
  'platform.unsupported_media_type': {
    status: 415,
    ja: { title: '対応していない形式です', detail: 'Content-Type: application/json で送ってください。' },
    en: { title: 'Unsupported media type', detail: 'Send the body as Content-Type: application/json.' },
  },
  'platform.unsupported_charset': {
    status: 415,
    ja: {
      title: '対応していない文字コードです',
      detail: (p) =>
        `JSON は UTF-8 で送ってください（charset=${String(p.charset)} は受け付けません）。Shift_JIS のファイルは CSV 取り込みをご利用ください。`,
    },
    en: {
      title: 'Unsupported charset',
      detail: (p) => `Send JSON as UTF-8 (charset=${String(p.charset)} is not accepted).`,
    },
  },
  'platform.payload_too_large': {
    status: 413,
    ja: { title: 'リクエストが大きすぎます', detail: 'リクエスト本文が上限を超えています。' },
    en: { title: 'Payload too large', detail: 'The request body exceeds the size limit.' },
  },
  'platform.not_found': {
    status: 404,
    ja: { title: '見つかりません', detail: (p) => `${p.path ?? 'このURL'} は存在しません。` },
    en: { title: 'Not found', detail: (p) => `There is nothing at ${p.path ?? 'this URL'}.` },
  },
  'platform.method_not_allowed': {
    status: 405,
    ja: { title: '許可されていないメソッドです', detail: 'このURLではこのメソッドを使えません。' },
    en: { title: 'Method not allowed', detail: 'This URL does not accept this method.' },
  },
  'platform.unauthorized': {
    status: 401,
    ja: {
      title: 'ログインが必要です',
      detail: 'ログインしてから、もう一度お試しください（API では Authorization: Bearer トークンを付けてください）。',
    },
    en: {
      title: 'Authentication required',
      detail: 'Sign in and try again (API clients: send a valid Authorization: Bearer token).',
    },
  },
  'platform.forbidden': {
    status: 403,
    ja: {
      title: '権限がありません',
      detail: (p) => (p.reason ? String(p.reason) : 'この操作を行う権限がありません。'),
    },
    en: { title: 'Forbidden', detail: (p) => (p.reasonEn ? String(p.reasonEn) : 'You are not allowed to do this.') },
  },
  'platform.csrf': {
    status: 403,
    ja: {
      title: 'この画面からは送信できません',
      detail: 'ページを読み込み直してから、もう一度お試しください。ほかのサイトからの送信は受け付けません。',
    },
    en: {
      title: 'Request not accepted from this page',
      detail: 'Reload the page and try again. Requests from other sites are refused (CSRF protection).',
    },
  },
  'platform.rate_limited': {
    status: 429,
    ja: { title: 'リクエストが多すぎます', detail: 'しばらく待ってから再度お試しください。' },
    en: { title: 'Too many requests', detail: 'Wait a moment and try again.' },
  },
  'platform.idempotency_key_reused': {
    status: 422,
    ja: {
      title: 'Idempotency-Key が別の内容で使われています',
      detail: '同じキーは同じ内容のリクエストにだけ使えます。新しいキーで送ってください。',
    },
    en: {
      title: 'Idempotency-Key reused with a different request',
      detail: 'A key may only be repeated with the same request. Use a new key.',
    },
  },
  'platform.idempotency_in_progress': {
    status: 409,
    ja: {
      title: '同じリクエストを処理中です',
      detail: 'このキーの最初のリクエストがまだ処理中です。少し待ってから再送してください。',
    },
    en: {
      title: 'The same request is still running',
      detail: 'The first request with this Idempotency-Key has not finished. Retry shortly.',
    },
  },
  'platform.conflict': {
    status: 409,
    ja: { title: '他の更新と競合しました', detail: 'もう一度お試しください。' },
    en: { title: 'Conflicting update', detail: 'Another change got there first. Try again.' },
  },
  'platform.internal': {
    status: 500,
    ja: { title: 'サーバーエラー', detail: (p) => `予期しないエラーが発生しました（request id: ${p.requestId}）。` },
    en: { title: 'Internal error', detail: (p) => `Something went wrong on our side (request id: ${p.requestId}).` },
  },
  'platform.unavailable': {
    status: 503,
    ja: { title: 'ただいま利用できません', detail: 'データベースに接続できません。' },
    en: { title: 'Service unavailable', detail: 'The database is not reachable.' },
  },
});
