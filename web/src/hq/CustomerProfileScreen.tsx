import type { ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { Customer, Merge } from '../shared/api/types';
import { LoyaltyPanel, PointsHistory, WalletHistory, WalletPanel } from '../shared/customer/Balances';
import { ConsentGrid } from '../shared/customer/ConsentGrid';
import { Timeline } from '../shared/customer/Timeline';
import { formatDate, formatDateTime, formatPhone } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { Link } from '../shared/router';
import { DataTable, ProblemBanner, TierBadge } from '../shared/ui';
import { locationName, useLocations } from '../shared/locations';
import { customerHref } from './CustomersScreen';
import { MergePair, UndoMerge } from './MergePair';
import { CustomerValuePanel } from './value/CustomerValuePanel';

/** A panel that loads on its own: a route the server lacks (or a failure) costs that panel, not the page. */
function Panel({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function Identifiers({ customer }: { customer: Customer }) {
  const t = useT();
  const lang = useLang();
  const home = useLocations().data?.find((l) => l.id === customer.homeLocationId);
  const rows: [string, ReactNode][] = [
    [t('hq.col.memberNumber'), <span className="mono">{customer.memberNumber}</span>],
    [t('hq.profile.email'), customer.email ?? '—'],
    [t('hq.profile.phone'), customer.phone ? formatPhone(customer.phone) : '—'],
    [t('hq.profile.birthday'), customer.birthday ? formatDate(customer.birthday, lang) : '—'],
    [t('hq.profile.homeStore'), home ? locationName(home, lang) : (customer.homeLocationId ?? '—')],
    [t('hq.profile.since'), formatDate(customer.createdAt, lang)],
    [t('hq.profile.id'), <span className="mono small">{customer.id}</span>],
  ];
  return (
    <dl className="facts">
      {rows.map(([label, value]) => (
        <div key={label} className="facts-row">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Merges({ customerId }: { customerId: string }) {
  const t = useT();
  const lang = useLang();
  const merges = useQuery({
    queryKey: ['customers', customerId, 'merges'],
    queryFn: () => call(api.GET('/api/customers/{id}/merges', { params: { path: { id: customerId } } })),
  });
  if (merges.data && !merges.data.items.length) return null;
  return (
    <Panel title={t('hq.profile.merges')} id="merges-title">
      <ProblemBanner error={merges.error} />
      <DataTable<Merge>
        columns={[
          { key: 'at', header: t('hq.merge.at'), cell: (m) => formatDateTime(m.createdAt, lang) },
          {
            key: 'survivor',
            header: t('hq.merge.survivor'),
            cell: (m) => (
              <Link href={customerHref(m.survivorId)} className="mono small">
                {m.survivorId}
              </Link>
            ),
          },
          {
            key: 'merged',
            header: t('hq.merge.merged'),
            cell: (m) => (
              <Link href={customerHref(m.mergedId)} className="mono small">
                {m.mergedId}
              </Link>
            ),
          },
          { key: 'reason', header: t('hq.merge.reason'), cell: (m) => m.reason },
          {
            key: 'undo',
            header: <span className="visually-hidden">{t('hq.dup.undo')}</span>,
            align: 'end',
            cell: (m) =>
              m.undoneAt ? (
                <span className="muted">{t('hq.merge.undoneAt', { date: formatDateTime(m.undoneAt, lang) })}</span>
              ) : (
                <UndoMerge merge={m} />
              ),
          },
        ]}
        rows={merges.data?.items ?? []}
        rowKey={(m) => m.id}
        empty={t('common.loading')}
      />
    </Panel>
  );
}

/**
 * /hq/customers/:id — the 360° view: who she is and how we recognise her, tier, points, wallet, what she
 * agreed to, and one timeline of everything she did online and in store; duplicates and merges below.
 */
export function CustomerProfileScreen({ id }: { id: string }) {
  const t = useT();
  const path = { params: { path: { id } } };
  const customer = useQuery({ queryKey: ['customers', id], queryFn: () => call(api.GET('/api/customers/{id}', path)) });
  const active = customer.data?.status === 'active';
  const loyalty = useQuery({
    queryKey: ['customers', id, 'loyalty'],
    queryFn: () => call(api.GET('/api/customers/{id}/loyalty', path)),
    enabled: active,
  });
  const wallet = useQuery({
    queryKey: ['customers', id, 'wallet'],
    queryFn: () => call(api.GET('/api/customers/{id}/wallet', path)),
    enabled: active,
  });
  const consents = useQuery({
    queryKey: ['customers', id, 'consents'],
    queryFn: () => call(api.GET('/api/customers/{id}/consents', path)),
    enabled: active,
  });
  const duplicates = useQuery({
    queryKey: ['duplicates', id],
    queryFn: () => call(api.GET('/api/customers/duplicates', { params: { query: { customerId: id, limit: 10 } } })),
    enabled: active,
    staleTime: Infinity,
  });

  if (customer.isPending) return <main className="page store">{t('common.loading')}</main>;
  if (!customer.data)
    return (
      <main className="page store">
        <Link href="/hq/customers" className="back">
          ← {t('hq.profile.back')}
        </Link>
        <ProblemBanner error={customer.error} />
      </main>
    );
  const c = customer.data;

  return (
    <main className="page store customer-profile" data-customer={c.id}>
      <Link href="/hq/customers" className="back">
        ← {t('hq.profile.back')}
      </Link>
      <div className="section-head">
        <div>
          <h1>{c.name ?? c.memberNumber}</h1>
          {c.nameKana && <p className="product-kana">{c.nameKana}</p>}
        </div>
        <span className="chips">
          <TierBadge tier={c.tier} />
          <span className={`status status-${c.status}`}>{t(`status.${c.status}`)}</span>
        </span>
      </div>
      {c.status === 'merged' && c.mergedInto && (
        <p className="banner banner-info">
          {t('hq.profile.merged')} <Link href={customerHref(c.mergedInto)}>{t('hq.profile.openSurvivor')} →</Link>
        </p>
      )}
      {c.status === 'deleted' && <p className="banner banner-info">{t('hq.profile.deleted')}</p>}

      <div className="profile-layout">
        <div className="stack">
          <Panel title={t('hq.profile.identifiers')} id="identifiers-title">
            <Identifiers customer={c} />
          </Panel>
          {active && <CustomerValuePanel customerId={c.id} />}
          {active && (
            <Panel title={t('hq.profile.points')} id="points-title">
              <ProblemBanner error={loyalty.error} />
              {loyalty.data && (
                <>
                  <LoyaltyPanel loyalty={loyalty.data} />
                  <PointsHistory history={loyalty.data.history.slice(0, 10)} />
                </>
              )}
            </Panel>
          )}
          {active && (
            <Panel title={t('hq.profile.wallet')} id="wallet-title">
              <ProblemBanner error={wallet.error} />
              {wallet.data && (
                <>
                  <WalletPanel wallet={wallet.data} />
                  <WalletHistory history={wallet.data.history.slice(0, 10)} />
                </>
              )}
            </Panel>
          )}
          {active && (
            <Panel title={t('hq.profile.consents')} id="consents-title">
              <ProblemBanner error={consents.error} />
              {consents.data && <ConsentGrid values={consents.data.items} />}
            </Panel>
          )}
        </div>
        <Panel title={t('hq.profile.timeline')} id="timeline-title">
          <Timeline
            queryKey={['customers', id, 'timeline']}
            fetchPage={(cursor, limit) =>
              call(api.GET('/api/customers/{id}/timeline', { params: { path: { id }, query: { cursor, limit } } }))
            }
          />
        </Panel>
      </div>

      {active && !!duplicates.data?.items.length && (
        <section aria-labelledby="dups-title">
          <h2 id="dups-title">{t('hq.profile.duplicates')}</h2>
          <div className="stack">
            {duplicates.data.items.map((p) => (
              <MergePair key={`${p.a.id}|${p.b.id}`} pair={p} />
            ))}
          </div>
        </section>
      )}
      <Merges customerId={c.id} />
    </main>
  );
}
