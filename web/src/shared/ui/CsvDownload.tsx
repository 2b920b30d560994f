import { useT } from '../i18n';

/**
 * A streamed CSV export as plain links: the browser saves the answer as it arrives (a same-origin link
 * carries the session cookie), so a file of a million rows never sits in the page's memory as a blob.
 * The second link asks for Shift_JIS, for Excel set to the legacy Japanese encoding.
 */
export function CsvDownload({
  path,
  query = {},
  label,
  testId,
}: {
  path: string;
  query?: Record<string, string | undefined>;
  label?: string;
  testId?: string;
}) {
  const t = useT();
  const href = (encoding: 'utf-8' | 'shift_jis') => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
    if (encoding !== 'utf-8') params.set('encoding', encoding);
    const qs = params.toString();
    return qs ? `${path}?${qs}` : path;
  };
  return (
    <span className="csv-download" title={t('csv.shiftJisHint')}>
      <a className="btn btn-secondary btn-md" href={href('utf-8')} download data-testid={testId}>
        {label ?? t('csv.download')}
      </a>
      <a
        className="btn btn-ghost btn-md"
        href={href('shift_jis')}
        download
        data-testid={testId ? `${testId}-sjis` : undefined}
      >
        {t('csv.shiftJis')}
      </a>
    </span>
  );
}
