import { useT } from '../shared/i18n';
import { Link } from '../shared/router';

/** 前へ 1 … 4 5 6 … 12 次へ: real links, so a page is a URL (shareable; back returns to it). */
export function Pages({ page, count, href }: { page: number; count: number; href: (page: number) => string }) {
  const t = useT();
  const shown = [...new Set([1, page - 2, page - 1, page, page + 1, page + 2, count])]
    .filter((n) => n >= 1 && n <= count)
    .sort((a, b) => a - b);
  return (
    <nav className="pages" aria-label={t('browse.pages')}>
      {page > 1 ? (
        <Link href={href(page - 1)} rel="prev">
          {t('browse.page.prev')}
        </Link>
      ) : (
        <span className="pages-edge" aria-hidden="true">
          {t('browse.page.prev')}
        </span>
      )}
      <ol>
        {shown.map((n, i) => (
          <li key={n}>
            {i > 0 && shown[i - 1]! < n - 1 && <span aria-hidden="true">…</span>}
            <Link href={href(n)} aria-current={n === page ? 'page' : undefined} aria-label={t('browse.page.n', { n })}>
              {n}
            </Link>
          </li>
        ))}
      </ol>
      {page < count ? (
        <Link href={href(page + 1)} rel="next">
          {t('browse.page.next')}
        </Link>
      ) : (
        <span className="pages-edge" aria-hidden="true">
          {t('browse.page.next')}
        </span>
      )}
    </nav>
  );
}
