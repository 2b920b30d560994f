import { useCallback, useSyncExternalStore } from 'react';
import { ja, type MessageKey } from './ja';
import { en } from './en';
import { currentLang, setLang, subscribeLang, type Lang } from './lang';

export type { MessageKey, Lang };
export { setLang };

type Catalogue = Partial<Record<MessageKey, string>>;

/** The shop's words from the start; the staff screens add theirs when they load (addCatalogues). */
const catalogues: Record<Lang, Catalogue> = { ja: { ...ja }, en: { ...en } };

/** Called once by staff-screens.ts when the store's and head office's screens load. */
export function addCatalogues(more: Record<Lang, Catalogue>): void {
  for (const lang of Object.keys(catalogues) as Lang[]) Object.assign(catalogues[lang], more[lang]);
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** Look up a message and fill its {placeholders}. */
export function translate(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  const text = catalogues[lang][key] ?? catalogues.ja[key] ?? key;
  return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
}

export function useLang(): Lang {
  return useSyncExternalStore(subscribeLang, currentLang);
}

/** `const t = useT(); t('shop.search.title')` — re-renders when the language switches. */
export function useT(): Translate {
  const lang = useLang();
  return useCallback<Translate>((key, params) => translate(lang, key, params), [lang]);
}

/** For keys built from server data (`event.${type}`): true when the catalogue has it. */
export function isMessageKey(key: string): key is MessageKey {
  return key in catalogues.ja;
}
