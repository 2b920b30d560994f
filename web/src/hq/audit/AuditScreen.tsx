import { useEffect, useState } from 'react';
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import { toCsv } from '../../shared/csv';
import { formatDateTime } from '../../shared/format';
import { useLang, useT, type Lang, type Translate } from '../../shared/i18n';
import { locationName, useLocations } from '../../shared/locations';
import { Link, navigate, useLocationPath } from '../../shared/router';
import { saveFile } from '../../shared/save-file';
import type { Session } from '../../shared/staff-session';
import { Button, DataTable, ProblemBanner, SelectField, TextField } from '../../shared/ui';
import { storeSettingsHref } from '../StoresScreen';
import { AUDIT_ACTIONS, actionLabel, detailSummary } from './summary';

type AuditRow = {
  id: string;
  at: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  locationId: string | null;
  detail: Record<string, unknown>;
};

const FILTERS = ['action', 'actor', 'locationId', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;
const NO_FILTERS: Filters = { action: '', actor: '', locationId: '', from: '', to: '' };
/** The CSV holds at most this many rows, newest first (the screen says so when there were more). */
const CSV_LIMIT = 5000;

/** A day picked in the form (YYYY-MM-DD) is a Tokyo day: from its midnight to the next one. */
function tokyoDay(day: string, plusDays = 0): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  return new Date(new Date(`${day}T00:00:00+09:00`).getTime() + plusDays * 86_400_000).toISOString();
}

function serverQuery(f: Filters) {
  return {
    action: f.action || undefined,
    actor: f.actor || undefined,
    locationId: f.locationId || undefined,
    from: tokyoDay(f.from),
    to: tokyoDay(f.to, 1),
  };
}

/** Names for the trail's ids: staff by the staff list, stores by the locations list. */
function useNames(t: Translate, lang: Lang) {
  const staff = useQuery({ queryKey: ['staff'], queryFn: () => call(api.GET('/api/staff')) });
  const locations = useLocations();
  const staffName = (actor: string) => {
    if (actor === 'stf_bootstrap') return t('audit.actor.bootstrap');
    if (actor.startsWith('customer:')) return t('audit.actor.customer');
    if (actor === 'anonymous') return t('audit.actor.anonymous');
    return staff.data?.items.find((s) => s.id === actor)?.name ?? t('audit.actor.unknown');
  };
  const storeName = (id: string | null) => {
    const l = id ? locations.data?.find((x) => x.id === id) : undefined;
    return l ? locationName(l, lang) : '';
  };
  return { staff: staff.data?.items ?? [], locations: locations.data ?? [], staffName, storeName };
}

/** What a row was about, and the screen that shows it (none for a thing without one). */
function subjectOf(t: Translate, r: AuditRow, storeName: (id: string | null) => string) {
  switch (r.subjectType) {
    case 'customer':
      return { text: t('audit.subject.customer'), href: `/hq/customers/${encodeURIComponent(r.subjectId)}` };
    case 'location':
      return { text: storeName(r.subjectId) || t('audit.subject.location'), href: storeSettingsHref(r.subjectId) };
    case 'business':
      return { text: t('audit.subject.business'), href: '/hq/business' };
    case 'campaign':
      return { text: t('audit.subject.campaign'), href: '/hq/campaigns' };
    case 'segment':
      return { text: t('audit.subject.segment'), href: '/hq/segments' };
    case 'staff':
      return { text: t('audit.subject.staff'), href: '/hq/staff' };
    default:
      return { text: t('audit.subject.other'), href: null };
  }
}

/**
 * /hq/audit — 操作履歴: who did what, when, newest first (the owner's; GET /api/audit). Each action in
 * words (audit.ja.ts), the subject linked to its screen, the detail as "before → after"; filtered by action,
 * staff, store and dates from the URL; more by cursor; CSV of the same (UTF-8 with BOM, for Excel).
 */
export function AuditScreen({ session }: { session: Session }) {
  const t = useT();
  const lang = useLang();
  const { search } = useLocationPath();
  const filters = Object.fromEntries(FILTERS.map((k) => [k, search.get(k)?.trim() ?? ''])) as Filters;
  const key = FILTERS.map((k) => filters[k]).join('|');
  const [form, setForm] = useState<Filters>(filters);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => setForm(filters), [key]);
  const names = useNames(t, lang);
  const isOwner = session.staff.role === 'owner';

  const query = serverQuery(filters);
  const trail = useInfiniteQuery({
    queryKey: ['hq', 'audit', query],
    queryFn: ({ pageParam }) =>
      call(api.GET('/api/audit', { params: { query: { ...query, cursor: pageParam, limit: 50 } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    refetchOnMount: 'always',
    enabled: isOwner,
  });
  const rows: AuditRow[] = trail.data?.pages.flatMap((p) => p.items) ?? [];

  const csv = useMutation({
    mutationFn: async () => {
      const all: AuditRow[] = [];
      let cursor: string | undefined;
      do {
        const page = await call(api.GET('/api/audit', { params: { query: { ...query, cursor, limit: 200 } } }));
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && all.length < CSV_LIMIT);
      const header = ['audit.col.at', 'audit.col.actor', 'audit.col.action', 'audit.col.subject', 'audit.col.store']
        .map((k) => t(k as 'audit.col.at'))
        .concat([`${t('audit.col.subject')} ID`, t('audit.col.detail')]);
      const lines = all
        .slice(0, CSV_LIMIT)
        .map((r) => [
          formatDateTime(r.at, lang),
          names.staffName(r.actor),
          actionLabel(t, r.action),
          subjectOf(t, r, names.storeName).text,
          names.storeName(r.locationId),
          r.subjectId,
          detailSummary(t, r.detail, lang),
        ]);
      saveFile(toCsv(header, lines), `操作履歴_${new Date().toISOString().slice(0, 10)}.csv`);
      return { truncated: !!cursor };
    },
  });

  const apply = (next: Filters) => {
    const params = new URLSearchParams();
    for (const k of FILTERS) if (next[k].trim()) params.set(k, next[k].trim());
    const qs = params.toString();
    navigate(qs ? `/hq/audit?${qs}` : '/hq/audit');
  };
  const setAndApply = (k: keyof Filters) => (e: { target: { value: string } }) => {
    const next = { ...form, [k]: e.target.value };
    setForm(next);
    apply(next);
  };

  if (!isOwner)
    return (
      <main className="page narrow">
        <h1>{t('audit.title')}</h1>
        <p className="banner banner-info">{t('audit.ownerOnly')}</p>
      </main>
    );

  return (
    <main className="page store hq-audit">
      <h1>{t('audit.title')}</h1>
      <p className="muted">{t('audit.intro')}</p>
      <form className="hq-filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div className="hq-filter-row">
          <SelectField label={t('audit.filter.action')} value={form.action} onChange={setAndApply('action')}>
            <option value="">{t('audit.filter.any')}</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {actionLabel(t, a)}
              </option>
            ))}
          </SelectField>
          <SelectField label={t('audit.filter.actor')} value={form.actor} onChange={setAndApply('actor')}>
            <option value="">{t('audit.filter.any')}</option>
            {names.staff.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </SelectField>
          <SelectField label={t('audit.filter.store')} value={form.locationId} onChange={setAndApply('locationId')}>
            <option value="">{t('audit.filter.any')}</option>
            {names.locations.map((l) => (
              <option key={l.id} value={l.id}>
                {locationName(l, lang)}
              </option>
            ))}
          </SelectField>
          <TextField label={t('audit.filter.from')} type="date" value={form.from} onChange={setAndApply('from')} />
          <TextField label={t('audit.filter.to')} type="date" value={form.to} onChange={setAndApply('to')} />
        </div>
        <div className="hq-filter-actions">
          <Button variant="ghost" onClick={() => apply(NO_FILTERS)}>
            {t('audit.filter.clear')}
          </Button>
          <Button onClick={() => csv.mutate()} busy={csv.isPending} data-testid="audit-csv">
            {t('audit.csv')}
          </Button>
        </div>
      </form>
      <ProblemBanner error={trail.error ?? csv.error} />
      {csv.data?.truncated && <p className="banner banner-info">{t('audit.csvTruncated', { n: CSV_LIMIT })}</p>}
      <p className="result-note">{t('audit.count', { n: rows.length })}</p>
      <DataTable<AuditRow>
        stacked
        rows={rows}
        rowKey={(r) => r.id}
        rowProps={(r) => ({ 'data-action': r.action })}
        empty={trail.isPending ? t('common.loading') : t('audit.none')}
        columns={[
          {
            key: 'at',
            header: t('audit.col.at'),
            cell: (r) => <span className="nowrap">{formatDateTime(r.at, lang)}</span>,
          },
          {
            key: 'actor',
            header: t('audit.col.actor'),
            cell: (r) => <span className="nowrap">{names.staffName(r.actor)}</span>,
          },
          { key: 'action', header: t('audit.col.action'), cell: (r) => actionLabel(t, r.action) },
          {
            key: 'subject',
            header: t('audit.col.subject'),
            cell: (r) => {
              const s = subjectOf(t, r, names.storeName);
              return s.href ? (
                <Link href={s.href} className="row-link">
                  {s.text}
                </Link>
              ) : (
                s.text
              );
            },
          },
          { key: 'store', header: t('audit.col.store'), cell: (r) => names.storeName(r.locationId) },
          {
            key: 'detail',
            header: t('audit.col.detail'),
            cell: (r) => <span className="audit-detail">{detailSummary(t, r.detail, lang)}</span>,
          },
        ]}
      />
      {trail.hasNextPage && (
        <p className="load-more">
          <Button onClick={() => trail.fetchNextPage()} busy={trail.isFetchingNextPage}>
            {t('audit.more')}
          </Button>
        </p>
      )}
    </main>
  );
}
