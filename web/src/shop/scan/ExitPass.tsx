import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import type { paths } from '../../shared/api/schema';
import { MemberQr } from '../../shared/customer/MemberQr';
import { formatDateTime } from '../../shared/format';
import { useLang, useT } from '../../shared/i18n';
import { Link } from '../../shared/router';
import { Button } from '../../shared/ui';

export type Paid =
  paths['/api/account/scan-and-go-passes/{orderId}']['get']['responses'][200]['content']['application/json'];

const KEY = 'musubi.exitPass';

function keptOrderId(): string | null {
  try {
    const kept = JSON.parse(localStorage.getItem(KEY) ?? 'null') as { orderId: string; expiresAt: string } | null;
    return kept && Date.parse(kept.expiresAt) > Date.now() ? kept.orderId : null;
  } catch {
    return null;
  }
}

/**
 * The pass she has just paid for, kept in this browser until it lapses: a reload (or the app closed at the
 * door) shows it again, read back from the server.
 */
export function usePaidPass() {
  const [orderId, setOrderId] = useState<string | null>(keptOrderId);
  const [fresh, setFresh] = useState<Paid | null>(null);
  const again = useQuery({
    queryKey: ['account', 'exit-pass', orderId],
    queryFn: () =>
      call(api.GET('/api/account/scan-and-go-passes/{orderId}', { params: { path: { orderId: orderId! } } })),
    enabled: !!orderId && !fresh,
  });
  const setPaid = (paid: Paid) => {
    try {
      localStorage.setItem(KEY, JSON.stringify({ orderId: paid.order.id, expiresAt: paid.pass.expiresAt }));
    } catch {
      /* shown on this page only */
    }
    setFresh(paid);
    setOrderId(paid.order.id);
  };
  const clear = () => {
    try {
      localStorage.removeItem(KEY);
    } catch {
      /* nothing kept */
    }
    setFresh(null);
    setOrderId(null);
  };
  return { paid: fresh ?? (orderId ? (again.data ?? null) : null), setPaid, clear };
}

/** 出口パス: a big check mark, the item count and the signed QR the clerk at the door scans, until it lapses. */
export function ExitPass({ paid, onDone }: { paid: Paid; onDone: () => void }) {
  const t = useT();
  const lang = useLang();
  const { pass, order } = paid;
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  const expired = Date.parse(pass.expiresAt) <= now;
  return (
    <main className="page shop scan-go exit-pass" data-testid="exit-pass" data-order={order.id}>
      <p className="exit-pass-check" aria-hidden="true">
        ✓
      </p>
      <h1>{t('scanGo.passTitle')}</h1>
      <p className="exit-pass-count" data-testid="exit-pass-count">
        {t('scanGo.passItems', { n: pass.itemCount })}
      </p>
      {expired ? (
        <p className="banner banner-info" role="status">
          {t('scanGo.passExpired')}
        </p>
      ) : (
        <>
          <p>{t('scanGo.passLead')}</p>
          <div className="member-qr-frame exit-pass-qr">
            <MemberQr code={pass.code} label={t('scanGo.passQr', { n: pass.itemCount, number: pass.orderNumber })} />
          </div>
          <p className="muted small">{t('scanGo.passUntil', { time: formatDateTime(pass.expiresAt, lang) })}</p>
        </>
      )}
      <div className="row-actions">
        <Link className="btn btn-secondary" href={`/account/orders/${order.id}`}>
          {t('scanGo.receipt')}
        </Link>
        <Button variant="ghost" onClick={onDone}>
          {t('scanGo.again')}
        </Button>
      </div>
    </main>
  );
}
