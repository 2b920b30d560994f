import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { CustomerSession } from '../shared/api/types';
import { useLang, useT } from '../shared/i18n';
import { Link } from '../shared/router';
import { ProblemBanner, TierBadge } from '../shared/ui';
import { MemberQr } from '../shared/customer/MemberQr';
import { CouponTicket, useMyCoupons } from '../shared/customer/Coupons';
import { TierProgress } from '../shared/customer/Balances';
import { formatDate, formatPoints } from '../shared/format';
import { useAccount } from './useAccount';

/** The current time, ticking every `ms`. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

const clamp = (ms: number, min: number, max: number) => Math.min(Math.max(ms, min), max);

/**
 * A member code with its times moved onto this phone's clock. Phones can run minutes off the server, so
 * the server's own time (the response's Date header, to the second) gives the offset; the result is kept
 * within sane bounds (codes come in 30-second windows, each valid into the next) whatever the clocks say.
 */
async function fetchMemberCode() {
  const request = api.GET('/api/account/member-code');
  const c = await call(request);
  const { response } = await request;
  const now = Date.now();
  const serverDate = Date.parse(response.headers.get('date') ?? '');
  // The header is truncated to the second: half a second is the best guess of the fraction.
  const serverNow = Number.isNaN(serverDate) ? now : serverDate + 500;
  return {
    code: c.code,
    refreshAt: now + clamp(Date.parse(c.refreshAt) - serverNow, 1_000, 60_000),
    expiresAt: now + clamp(Date.parse(c.expiresAt) - serverNow, 5_000, 120_000),
  };
}

/** Keep the screen on while the card is shown (Screen Wake Lock, where the browser has it). */
function useWakeLock() {
  useEffect(() => {
    let lock: WakeLockSentinel | null = null;
    const acquire = () => {
      if (document.visibilityState !== 'visible' || !('wakeLock' in navigator)) return;
      navigator.wakeLock.request('screen').then(
        (l) => (lock = l),
        () => {},
      );
    };
    acquire();
    document.addEventListener('visibilitychange', acquire);
    return () => {
      document.removeEventListener('visibilitychange', acquire);
      void lock?.release().catch(() => {});
    };
  }, []);
}

/**
 * /account/card — 会員証: a big QR of the rotating member code on a white card, the member number
 * beneath it, and a countdown to the next code (fetched when the server's 30-second window turns, while
 * the current one still works, so the register never sees a dead code).
 */
export function MemberCardScreen({ session }: { session: CustomerSession }) {
  const t = useT();
  const now = useNow();
  useWakeLock();
  const code = useQuery({
    queryKey: ['member-code', session.customer.id],
    queryFn: fetchMemberCode,
    staleTime: 0,
    gcTime: 0,
    refetchInterval: (q) => (q.state.data ? Math.max(q.state.data.refreshAt - Date.now(), 1_000) : false),
    refetchIntervalInBackground: false,
  });
  const c = useAccount(session);
  const coupons = useMyCoupons();
  const left = code.data ? Math.max(0, Math.ceil((code.data.refreshAt - now) / 1000)) : 0;
  const fresh = !!code.data && now < code.data.expiresAt;

  return (
    <main className="page narrow account member-card-page">
      <Link href="/account" className="back">
        ← {t('account.back')}
      </Link>
      <h1 className="visually-hidden">{t('account.card.title')}</h1>
      <section
        className="member-card"
        aria-labelledby="member-card-title"
        data-testid="member-card"
        data-code={fresh ? code.data.code : undefined}
      >
        <header className="member-card-head">
          <span className="member-card-brand">
            <span className="brand-mark" aria-hidden="true">
              結
            </span>
            <span id="member-card-title">{t('account.card.title')}</span>
          </span>
          <TierBadge tier={c.tier} />
        </header>
        <p className="member-card-name">{t('account.home.hello', { name: c.name ?? '' })}</p>
        <div className={`member-qr-frame${fresh ? '' : ' stale'}`} aria-live="polite" aria-busy={!fresh}>
          {code.data ? (
            <MemberQr code={code.data.code} label={t('account.card.qrLabel', { number: c.memberNumber })} />
          ) : (
            <div className="member-qr placeholder" />
          )}
        </div>
        <p className="member-card-countdown" role="timer" data-left={left}>
          {fresh && left > 0
            ? t('account.card.refreshIn', { s: left })
            : code.isError
              ? ''
              : t('account.card.refreshing')}
        </p>
        <p className="member-card-number">
          <span className="muted">{t('account.card.memberNumber')}</span>
          <span className="mono" data-testid="member-number">
            {c.memberNumber.replace(/(\d{4})(?=\d)/g, '$1 ')}
          </span>
        </p>
      </section>
      <ProblemBanner error={code.error} />
      <CardPoints />
      {coupons.data && coupons.data.items.length > 0 && (
        <section className="stack" aria-labelledby="member-card-coupons" data-testid="member-card-coupons">
          <h2 id="member-card-coupons">{t('account.card.coupons', { n: coupons.data.items.length })}</h2>
          <p className="muted small">{t('account.card.couponsLead')}</p>
          <ul className="plain-list coupon-list">
            {coupons.data.items.map((k) => (
              <li key={k.code}>
                <CouponTicket coupon={k} />
              </li>
            ))}
          </ul>
        </section>
      )}
      <p className="muted small">{t('account.card.lead')}</p>
      <p className="muted small">
        {t('account.card.why')} {t('account.card.bright')}
      </p>
      <p className="small">
        <Link href="/account/pin">{t('account.card.pinLink')}</Link>
      </p>
    </main>
  );
}

/** Under the card: her points, the next lot to lapse, and how far to the next tier. */
function CardPoints() {
  const t = useT();
  const lang = useLang();
  const loyalty = useQuery({ queryKey: ['account', 'loyalty'], queryFn: () => call(api.GET('/api/account/loyalty')) });
  const l = loyalty.data;
  if (!l) return null;
  const soonest = l.lots[0];
  return (
    <section className="card stack member-card-points" aria-labelledby="member-card-points" data-testid="card-points">
      <h2 id="member-card-points" className="visually-hidden">
        {t('account.card.pointsLink')}
      </h2>
      <dl className="facts">
        <dt>{t('account.home.points')}</dt>
        <dd className="account-points">{formatPoints(l.balance, lang)}</dd>
      </dl>
      {soonest && (
        <p className="small expiring-next">
          {t('account.points.lotItem', {
            date: formatDate(soonest.expiresAt, lang),
            points: formatPoints(soonest.points, lang),
          })}
        </p>
      )}
      <TierProgress loyalty={l} />
      <Link href="/account/points" className="small">
        {t('account.card.pointsLink')}
      </Link>
    </section>
  );
}
