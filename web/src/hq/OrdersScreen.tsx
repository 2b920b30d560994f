import { useEffect, useState, type FormEvent } from 'react';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { formatDateTime, formatYen } from '../shared/format';
import { isMessageKey, useLang, useT, type Translate } from '../shared/i18n';
import { Link, navigate, useLocationPath } from '../shared/router';
import { Button, ChannelIcon, CsvDownload, DataTable, ProblemBanner, SelectField, TextField } from '../shared/ui';
import { locationName, useLocations } from '../shared/locations';
import type { OrderPage, OrderRow } from '../shared/api/types';
import { oneOf } from '../shared/one-of';

const CHANNELS = ['web', 'app', 'store', 'line'] as const;
const STATUSES = ['placed', 'completed', 'cancelled'] as const;
const FILTERS = ['q', 'channel', 'status', 'locationId', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

/** The filters as the URL holds them, '' where one is not set. */
function filtersIn(search: URLSearchParams): Filters {
  const get = (k: keyof Filters) => search.get(k)?.trim() ?? '';
  return {
    q: get('q'),
    channel: get('channel'),
    status: get('status'),
    locationId: get('locationId'),
    from: get('from'),
    to: get('to'),
  };
}

export function orderHref(id: string) {
  return `/hq/orders/${encodeURIComponent(id)}`;
}

/** A day picked in the form (YYYY-MM-DD) is a Tokyo day: from its midnight to the next one. */
function tokyoDay(day: string, plusDays = 0): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  return new Date(new Date(`${day}T00:00:00+09:00`).getTime() + plusDays * 86_400_000).toISOString();
}

/** The server's query for the filters in the URL (the CSV download uses the same one). */
function serverQuery(f: Filters) {
  return {
    q: f.q || undefined,
    channel: oneOf(CHANNELS, f.channel),
    status: oneOf(STATUSES, f.status),
    locationId: f.locationId || undefined,
    from: tokyoDay(f.from),
    to: tokyoDay(f.to, 1),
  };
}

export function labelOr(t: Translate, key: string, fallback: string) {
  return isMessageKey(key) ? t(key) : fallback;
}

/** /hq/orders — every channel's orders, newest first, filtered from the URL; more by cursor; CSV of the same. */
export function OrdersScreen() {
  const t = useT();
  const lang = useLang();
  const { search } = useLocationPath();
  const filters = filtersIn(search);
  const key = FILTERS.map((k) => filters[k]).join('|');
  const [form, setForm] = useState<Filters>(filters);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => setForm(filters), [key]);
  const locations = useLocations();
  const nameOf = (id: string) => {
    const l = locations.data?.find((x) => x.id === id);
    return l ? locationName(l, lang) : id;
  };

  const query = serverQuery(filters);
  const orders = useInfiniteQuery({
    queryKey: ['hq', 'orders', query],
    queryFn: ({ pageParam }) =>
      call(api.GET('/api/orders', { params: { query: { ...query, cursor: pageParam, limit: 50 } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    refetchOnMount: 'always',
  });
  const rows = orders.data?.pages.flatMap((p) => p.items) ?? [];

  const apply = (next: Filters) => {
    const params = new URLSearchParams();
    for (const k of FILTERS) if (next[k].trim()) params.set(k, next[k].trim());
    const qs = params.toString();
    navigate(qs ? `/hq/orders?${qs}` : '/hq/orders');
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    apply(form);
  };
  const set = (k: keyof Filters) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));
  const setAndApply = (k: keyof Filters) => (e: { target: { value: string } }) => {
    const next = { ...form, [k]: e.target.value };
    setForm(next);
    apply(next);
  };

  return (
    <main className="page store hq-orders">
      <h1>{t('hq.orders.title')}</h1>
      <form className="hq-filters" role="search" onSubmit={submit}>
        <div className="search-box">
          <input
            type="search"
            name="q"
            value={form.q}
            onChange={set('q')}
            aria-label={t('hq.orders.searchLabel')}
            placeholder={t('hq.orders.searchLabel')}
            autoComplete="off"
          />
          <Button type="submit" variant="primary">
            {t('hq.orders.search')}
          </Button>
        </div>
        <div className="hq-filter-row">
          <SelectField label={t('hq.orders.channel')} value={form.channel} onChange={setAndApply('channel')}>
            <option value="">{t('hq.orders.any')}</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {t(`channel.${c}`)}
              </option>
            ))}
          </SelectField>
          <SelectField label={t('hq.orders.status')} value={form.status} onChange={setAndApply('status')}>
            <option value="">{t('hq.orders.any')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`hq.orderStatus.${s}`)}
              </option>
            ))}
          </SelectField>
          <SelectField label={t('hq.orders.store')} value={form.locationId} onChange={setAndApply('locationId')}>
            <option value="">{t('hq.orders.any')}</option>
            {(locations.data ?? []).map((l) => (
              <option key={l.id} value={l.id}>
                {locationName(l, lang)}
              </option>
            ))}
          </SelectField>
          <TextField label={t('hq.orders.from')} type="date" value={form.from} onChange={setAndApply('from')} />
          <TextField label={t('hq.orders.to')} type="date" value={form.to} onChange={setAndApply('to')} />
        </div>
        <div className="hq-filter-actions">
          <Button
            variant="ghost"
            onClick={() => apply({ q: '', channel: '', status: '', locationId: '', from: '', to: '' })}
          >
            {t('hq.orders.clear')}
          </Button>
          <CsvDownload path="/api/orders.csv" query={query} label={t('hq.orders.csv')} testId="orders-csv" />
          <CsvDownload path="/api/order-lines.csv" query={query} label={t('csv.orderLines')} testId="order-lines-csv" />
        </div>
      </form>
      <ProblemBanner error={orders.error} />
      <p className="result-note">{t('hq.orders.count', { n: rows.length })}</p>
      <OrderTable rows={rows} nameOf={nameOf} empty={orders.isPending ? t('common.loading') : t('hq.orders.none')} />
      {orders.hasNextPage && (
        <p className="load-more">
          <Button onClick={() => orders.fetchNextPage()} busy={orders.isFetchingNextPage}>
            {t('hq.orders.more')}
          </Button>
        </p>
      )}
    </main>
  );
}

function OrderTable({ rows, nameOf, empty }: { rows: OrderRow[]; nameOf: (id: string) => string; empty: string }) {
  const t = useT();
  const lang = useLang();
  return (
    <DataTable<OrderRow>
      columns={[
        {
          key: 'number',
          header: t('hq.orders.col.number'),
          cell: (o) => (
            <Link href={orderHref(o.id)} className="row-link mono">
              {o.number}
            </Link>
          ),
        },
        { key: 'at', header: t('hq.orders.col.at'), cell: (o) => formatDateTime(o.createdAt, lang) },
        {
          key: 'channel',
          header: t('hq.orders.col.channel'),
          cell: (o) => <ChannelIcon channel={o.channel} label />,
        },
        {
          key: 'status',
          header: t('hq.orders.col.status'),
          cell: (o) => (
            <span className={`status status-${o.status}`}>{labelOr(t, `hq.orderStatus.${o.status}`, o.status)}</span>
          ),
        },
        {
          key: 'store',
          header: t('hq.orders.col.store'),
          cell: (o) => {
            const ids = [
              ...new Set([o.locationId, ...(o.fulfilmentLocations ?? '').split(' ')].filter((x): x is string => !!x)),
            ];
            return ids.length ? ids.map(nameOf).join(', ') : '—';
          },
        },
        {
          key: 'fulfilment',
          header: t('hq.orders.col.fulfilment'),
          cell: (o) =>
            (o.fulfilmentTypes ?? '')
              .split(' ')
              .filter(Boolean)
              .map((x) => labelOr(t, `hq.ftype.${x}`, x))
              .join(', ') || '—',
        },
        {
          key: 'customer',
          header: t('hq.orders.col.customer'),
          cell: (o) =>
            o.customerId ? (
              <Link href={`/hq/customers/${encodeURIComponent(o.customerId)}`}>
                {o.customerName ?? o.memberNumber}
                {o.memberNumber && <span className="mono muted small"> {o.memberNumber}</span>}
              </Link>
            ) : o.customerName ? (
              `${o.customerName} (${t('hq.orders.guest')})`
            ) : (
              <span className="muted">{t('hq.orders.guest')}</span>
            ),
        },
        { key: 'total', header: t('hq.orders.col.total'), align: 'end', cell: (o) => formatYen(o.total, lang) },
        {
          key: 'points',
          header: t('hq.orders.col.points'),
          align: 'end',
          cell: (o) => `${o.pointsUsed} / ${o.pointsEarned}`,
        },
      ]}
      rows={rows}
      rowKey={(o) => o.id}
      rowProps={(o) => ({ 'data-order': o.id, 'data-number': o.number })}
      empty={empty}
    />
  );
}
