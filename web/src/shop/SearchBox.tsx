import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { useT } from '../shared/i18n';
import { Link, navigate } from '../shared/router';
import { Button } from '../shared/ui';

/** Wait this long after the last key before asking for suggestions. */
const DEBOUNCE_MS = 150;

/**
 * The shop's search box with suggestions as she types (categories, then products; kana, half-width and
 * 1–2 characters as the search itself). Enter searches what she typed; ↓ moves into the suggestions,
 * which are plain links, Esc closes them. Names only: a reading is never shown.
 */
export function SearchBox({ initial = '', to }: { initial?: string; to: (q: string) => string }) {
  const t = useT();
  const [text, setText] = useState(initial);
  const [term, setTerm] = useState('');
  const [open, setOpen] = useState(false);
  const listId = useId();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => setText(initial), [initial]);
  useEffect(() => {
    const timer = setTimeout(() => setTerm(text.trim()), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);

  const suggestions = useQuery({
    queryKey: ['suggestions', term],
    queryFn: () => call(api.GET('/api/shop/suggestions', { params: { query: { q: term } } })),
    enabled: open && term.length > 0,
    staleTime: 60_000,
  });
  const found = suggestions.data;
  const shown = open && term.length > 0 && !!found && found.categories.length + found.products.length > 0;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setOpen(false);
    navigate(to(text.trim()));
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') setOpen(false);
    if (e.key === 'ArrowDown' && shown) {
      e.preventDefault();
      box.current?.querySelector<HTMLAnchorElement>('.suggestions a')?.focus();
    }
  };
  const onListKey = (e: KeyboardEvent) => {
    const links = [...(box.current?.querySelectorAll<HTMLAnchorElement>('.suggestions a') ?? [])];
    const i = links.indexOf(document.activeElement as HTMLAnchorElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = e.key === 'ArrowDown' ? i + 1 : i - 1;
      if (next < 0) box.current?.querySelector('input')?.focus();
      else links[Math.min(next, links.length - 1)]?.focus();
    }
    if (e.key === 'Escape') {
      setOpen(false);
      box.current?.querySelector('input')?.focus();
    }
  };

  return (
    <div
      className="search-wrap"
      ref={box}
      onBlur={(e) => {
        if (!box.current?.contains(e.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <form className="search-box" role="search" onSubmit={submit}>
        <input
          type="search"
          name="q"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          onKeyDown={onKey}
          placeholder={t('shop.search.placeholder')}
          aria-label={t('shop.search.label')}
          aria-controls={shown ? listId : undefined}
          enterKeyHint="search"
          autoComplete="off"
        />
        <Button type="submit" variant="primary">
          {t('shop.search.submit')}
        </Button>
      </form>
      {shown && (
        <div
          className="suggestions"
          id={listId}
          aria-label={t('browse.suggest.label')}
          role="region"
          onKeyDown={onListKey}
        >
          {found.categories.length > 0 && (
            <>
              <p className="suggestions-head">{t('browse.suggest.categories')}</p>
              <ul>
                {found.categories.map((c) => (
                  <li key={c.id}>
                    <Link href={`/shop?category=${encodeURIComponent(c.id)}`} onClick={() => setOpen(false)}>
                      {c.name}
                    </Link>
                  </li>
                ))}
              </ul>
            </>
          )}
          {found.products.length > 0 && (
            <>
              <p className="suggestions-head">{t('browse.suggest.products')}</p>
              <ul>
                {found.products.map((p) => (
                  <li key={p.id}>
                    <Link href={`/shop/products/${encodeURIComponent(p.id)}`} onClick={() => setOpen(false)}>
                      {p.name}
                    </Link>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </div>
  );
}
