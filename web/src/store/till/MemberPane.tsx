import type { RefObject } from 'react';
import type { UseMutationResult } from '@tanstack/react-query';
import type { ClientelingCard } from '../../shared/api/types';
import { discountText } from '../../shared/customer/Coupons';
import { formatPoints, formatTime } from '../../shared/format';
import { useLang, useT } from '../../shared/i18n';
import { Button, ProblemBanner, TierBadge } from '../../shared/ui';
import { ScanBox } from '../ScanBox';
import type { HeldPresence } from './usePresence';

/** A keyboard-wedge member field must not steal the digits of a JAN typed with nothing focused. */
const NEVER = /(?!)/;

/**
 * 会員: the member field (app QR or member number) until she is called up, then her name, tier, points
 * and whether she proved she is here (本人確認済み, and until when).
 */
export function MemberPane({
  member,
  presence,
  resolve,
  onClear,
  inputRef,
  applied,
  onApply,
}: {
  /** The codes on the sale now (hers among them show 適用中). */
  applied: readonly string[];
  /** Apply one of her coupons by hand. */
  onApply: (code: string) => void;
  member: ClientelingCard | null;
  presence: HeldPresence | null;
  resolve: UseMutationResult<ClientelingCard, unknown, string>;
  onClear: () => void;
  inputRef: RefObject<HTMLInputElement | null>;
}) {
  const t = useT();
  const lang = useLang();
  return (
    <>
      {member ? (
        <section
          className="card till-member"
          data-testid="till-member"
          data-customer={member.customer.id}
          aria-label={t('till.member.title')}
        >
          <p className="till-member-name">
            {t('till.member.name', { name: member.customer.name ?? member.customer.memberNumber })}
          </p>
          <p>
            <TierBadge tier={member.customer.tier} />{' '}
            <span className="small muted mono">{member.customer.memberNumber}</span>
          </p>
          <p>
            {t('till.member.points')}{' '}
            <strong data-testid="till-member-points">{formatPoints(member.points.balance, lang)}</strong>
          </p>
          {presence ? (
            <p className="till-presence-ok" data-testid="till-presence-ok" data-method={presence.method}>
              <span aria-hidden="true">✓ </span>
              {t('till.presence.verified', { method: t(`till.presence.method.${presence.method}`) })}{' '}
              <span className="small muted">
                {t('till.presence.until', { time: formatTime(new Date(presence.until).toISOString()) })}
              </span>
            </p>
          ) : (
            <p className="small muted" data-testid="till-presence-none">
              {t('till.presence.none')}
            </p>
          )}
          {member.coupons.length > 0 && (
            <div className="till-member-coupons" data-testid="till-member-coupons">
              <p className="small">{t('till.member.coupons', { n: member.coupons.length })}</p>
              <ul className="plain-list">
                {member.coupons.map((c) => (
                  <li key={c.code} data-code={c.code} data-applied={applied.includes(c.code) || undefined}>
                    <strong>{discountText(t, c)}</strong> <span className="small">{c.name}</span>{' '}
                    {applied.includes(c.code) ? (
                      <span className="small till-coupon-on">{t('till.member.couponApplied')}</span>
                    ) : (
                      <Button variant="ghost" onClick={() => onApply(c.code)}>
                        {t('till.member.couponApply')}
                      </Button>
                    )}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <Button variant="ghost" onClick={onClear}>
            {t('till.member.clear')}
          </Button>
        </section>
      ) : (
        <ScanBox
          onScan={(raw) => resolve.mutate(raw)}
          inputRef={inputRef}
          id="till-member-input"
          label={t('till.memberLabel')}
          placeholder={t('till.memberPlaceholder')}
          hint={t('till.memberHint')}
          submitLabel={t('till.memberSubmit')}
          inputMode="text"
          normalise={(raw) => raw.normalize('NFKC').trim()}
          catchKeys={NEVER}
        />
      )}
      <ProblemBanner error={resolve.error} />
    </>
  );
}
