import { useT } from '../i18n';

/** ★★★★☆ for a rating (rounded to the nearest half shown as a full star); read out as 「5点中 4 点」. */
export function Stars({ value, size = 'md' }: { value: number; size?: 'sm' | 'md' | 'lg' }) {
  const t = useT();
  const full = Math.round(value);
  return (
    <span className={`stars stars-${size}`} role="img" aria-label={t('reviews.starsLabel', { n: value })}>
      <span aria-hidden="true">
        {'★'.repeat(full)}
        <span className="stars-empty">{'★'.repeat(5 - full)}</span>
      </span>
    </span>
  );
}
