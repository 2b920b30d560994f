import { useEffect, useState, type FormEvent } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { Customer } from '../shared/api/types';
import { formatDate, formatPhone } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { Link, navigate, useLocationPath } from '../shared/router';
import { Button, CsvDownload, DataTable, ProblemBanner, TierBadge } from '../shared/ui';
import { CustomerName } from '../shared/customer/CustomerName';

export function customerHref(id: string) {
  return `/hq/customers/${encodeURIComponent(id)}`;
}

/** The customer table the console uses wherever it lists people. */
export function CustomerTable({ rows, empty }: { rows: Customer[]; empty: string }) {
  const t = useT();
  const lang = useLang();
  return (
    <DataTable<Customer>
      columns={[
        {
          key: 'name',
          header: t('hq.col.name'),
          cell: (c) => (
            <Link href={customerHref(c.id)} className="row-link">
              <CustomerName customer={c} />
            </Link>
          ),
        },
        {
          key: 'number',
          header: t('hq.col.memberNumber'),
          cell: (c) => <span className="mono">{c.memberNumber}</span>,
        },
        {
          key: 'contact',
          header: t('hq.col.contact'),
          cell: (c) => (
            <span className="contact">
              {[c.phone && formatPhone(c.phone), c.email].filter(Boolean).join('\n') || '—'}
            </span>
          ),
        },
        { key: 'tier', header: t('hq.col.tier'), cell: (c) => <TierBadge tier={c.tier} /> },
        { key: 'since', header: t('hq.col.since'), cell: (c) => formatDate(c.createdAt, lang) },
        {
          key: 'status',
          header: t('hq.col.status'),
          cell: (c) => <span className={`status status-${c.status}`}>{t(`status.${c.status}`)}</span>,
        },
      ]}
      rows={rows}
      rowKey={(c) => c.id}
      rowProps={(c) => ({ 'data-customer': c.id })}
      empty={empty}
    />
  );
}

/** /hq/customers — find anyone by name, kana, phone, member number, e-mail or card; newest members first. */
export function CustomersScreen() {
  const t = useT();
  const { search } = useLocationPath();
  const q = search.get('q')?.trim() ?? '';
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  const results = useQuery({
    queryKey: ['customers', 'list', q],
    queryFn: () => call(api.GET('/api/customers', { params: { query: { q: q || undefined, limit: 50 } } })),
    placeholderData: keepPreviousData,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const term = text.trim();
    navigate(term ? `/hq/customers?q=${encodeURIComponent(term)}` : '/hq/customers');
  };

  return (
    <main className="page store">
      <h1>{t('hq.customers.title')}</h1>
      <form className="search-box" role="search" onSubmit={submit}>
        <input
          type="search"
          name="q"
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-label={t('hq.customers.searchLabel')}
          placeholder={t('hq.customers.searchLabel')}
          autoComplete="off"
        />
        <Button type="submit" variant="primary">
          {t('hq.customers.search')}
        </Button>
      </form>
      <ProblemBanner error={results.error} />
      <p className="result-note">
        {q ? t('hq.customers.results', { q }) : t('hq.customers.recent')}{' '}
        <CsvDownload path="/api/customers.csv" label={t('csv.customers')} testId="customers-csv" />
      </p>
      <CustomerTable
        rows={results.data?.items ?? []}
        empty={results.isPending ? t('common.loading') : t('hq.customers.none')}
      />
    </main>
  );
}
