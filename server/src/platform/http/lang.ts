import type { Lang } from '../errors.ts';

/** Japanese unless the caller prefers English over Japanese in Accept-Language. */
export function pickLang(acceptLanguage: string | undefined): Lang {
  if (!acceptLanguage) return 'ja';
  let best: { lang: Lang; q: number } | undefined;
  for (const part of acceptLanguage.split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.find((p) => p.trim().startsWith('q='));
    const q = qParam ? Number(qParam.trim().slice(2)) : 1;
    const lang: Lang | undefined = tag.startsWith('ja') ? 'ja' : tag.startsWith('en') ? 'en' : undefined;
    if (lang && Number.isFinite(q) && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? 'ja';
}
