import { useState, type FormEvent } from 'react';
import { useT } from '../../shared/i18n';
import { Button, ProblemBanner } from '../../shared/ui';

/** クーポンコード: type a code to apply it (the server prices it first), and the ones applied with 外す. */
export function CouponPane({
  coupons,
  onAdd,
  onRemove,
  busy,
  error,
}: {
  coupons: readonly string[];
  /** Apply the typed code; `onApplied` once the server took it (a refused one stays in the field). */
  onAdd: (raw: string, onApplied: () => void) => void;
  onRemove: (code: string) => void;
  busy: boolean;
  error: unknown;
}) {
  const t = useT();
  const [text, setText] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onAdd(text, () => setText(''));
  };
  return (
    <>
      <form className="till-coupon" onSubmit={submit}>
        <label htmlFor="till-coupon">{t('till.coupon.label')}</label>
        <div className="scan-row">
          <input
            id="till-coupon"
            value={text}
            onChange={(e) => setText(e.target.value)}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
          />
          <Button type="submit" busy={busy}>
            {t('till.coupon.add')}
          </Button>
        </div>
        {coupons.length > 0 && (
          <ul className="plain-list till-coupons" aria-label={t('till.coupon.applied')}>
            {coupons.map((c) => (
              <li key={c} data-code={c}>
                <span className="mono">{c}</span>{' '}
                <Button variant="ghost" aria-label={t('till.coupon.remove', { code: c })} onClick={() => onRemove(c)}>
                  {t('till.coupon.removeShort')}
                </Button>
              </li>
            ))}
          </ul>
        )}
      </form>
      <ProblemBanner error={error} />
    </>
  );
}
