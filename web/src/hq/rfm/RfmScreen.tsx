import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import { formatDate, formatDateTime, formatYen } from '../../shared/format';
import { useLang, useT, type MessageKey } from '../../shared/i18n';
import { locationName, useLocations } from '../../shared/locations';
import { Link } from '../../shared/router';
import { DataTable, ProblemBanner, SelectField } from '../../shared/ui';

const SCORES = [1, 2, 3, 4, 5] as const;

/** The segment editor opened on a new segment with these rules (SegmentsScreen reads ?name= and ?rules=). */
export const segmentLink = (name: string, rules: unknown) =>
  `/hq/segments?${new URLSearchParams({ name, rules: JSON.stringify(rules) }).toString()}`;

/**
 * /hq/analytics/rfm — RFM分析: the year's buyers on the 5 × 5 grid of recency × frequency scores (the
 * segments' own), each cell's members and spend, each cell and named group a new segment away.
 */
export function RfmScreen() {
  const t = useT();
  const lang = useLang();
  const locations = useLocations();
  const [store, setStore] = useState('');
  const grid = useQuery({
    queryKey: ['segments', 'rfm-grid', store],
    queryFn: () => call(api.GET('/api/segments/rfm-grid', { params: { query: store ? { store } : {} } })),
  });
  const data = grid.data;
  const cell = (r: number, f: number) => data?.cells.find((c) => c.r === r && c.f === f);
  const most = Math.max(1, ...(data?.cells.map((c) => c.members) ?? [1]));
  const perMember = (spend: number, members: number) => (members ? formatYen(Math.round(spend / members), lang) : '—');

  return (
    <main className="page store hq-rfm">
      <h1>{t('rfm.title')}</h1>
      <p className="muted">{t('rfm.lead')}</p>
      <div className="filters">
        <SelectField label={t('analytics.store')} value={store} onChange={(e) => setStore(e.target.value)}>
          <option value="">{t('analytics.allStores')}</option>
          {(locations.data ?? [])
            .filter((l) => l.kind === 'store')
            .map((l) => (
              <option key={l.id} value={l.id}>
                {locationName(l, lang)}
              </option>
            ))}
        </SelectField>
      </div>
      <ProblemBanner error={grid.error} />
      {data && !data.buyers && <p className="banner banner-info">{t('rfm.none')}</p>}
      {data && data.buyers > 0 && (
        <>
          <p>{t('rfm.buyers', { count: data.buyers.toLocaleString(lang), amount: formatYen(data.spend, lang) })}</p>
          <section className="card rfm-card" aria-labelledby="rfm-grid">
            <h2 id="rfm-grid">{t('rfm.grid')}</h2>
            <div className="rfm-scroll">
              <table className="rfm-grid">
                <thead>
                  <tr>
                    <th scope="col">
                      {t('rfm.recency')} ＼ {t('rfm.frequency')}
                    </th>
                    {SCORES.map((f) => (
                      <th key={f} scope="col">
                        {t('rfm.f', { score: f })}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {[...SCORES].reverse().map((r) => (
                    <tr key={r}>
                      <th scope="row">{t('rfm.r', { score: r })}</th>
                      {SCORES.map((f) => {
                        const c = cell(r, f);
                        if (!c) return <td key={f} className="rfm-empty" />;
                        const share = c.members / most;
                        return (
                          <td key={f} style={{ background: `rgba(31, 58, 95, ${(0.08 + share * 0.55).toFixed(2)})` }}>
                            <Link
                              href={segmentLink(t('rfm.segmentName', { r, f }), {
                                match: 'all',
                                conditions: [{ field: 'rfm_score', recency: [r], frequency: [f] }],
                              })}
                              className={share > 0.5 ? 'rfm-cell rfm-dark' : 'rfm-cell'}
                              aria-label={t('rfm.cellLink', { r, f, count: c.members.toLocaleString(lang) })}
                            >
                              <strong>{t('rfm.members', { count: c.members.toLocaleString(lang) })}</strong>
                              <span>{t('rfm.perMember', { amount: perMember(c.spend, c.members) })}</span>
                            </Link>
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {data.cuts && (
              <p className="muted">
                {t('rfm.cuts', {
                  r5: formatDate(data.cuts.recency[3] ?? '', lang),
                  f5: String(data.cuts.frequency[3] ?? ''),
                })}{' '}
                {t('rfm.asOf', { at: formatDateTime(data.asOf, lang) })}
              </p>
            )}
          </section>
          <section className="card" aria-labelledby="rfm-groups">
            <h2 id="rfm-groups">{t('rfm.groups')}</h2>
            <DataTable
              stacked
              rows={data.groups}
              rowKey={(g) => g.group}
              empty={t('rfm.none')}
              columns={[
                {
                  key: 'group',
                  header: t('rfm.group'),
                  cell: (g) => t(`hq.segments.rfm.${g.group}` as MessageKey),
                },
                {
                  key: 'members',
                  header: t('rfm.groupMembers'),
                  align: 'end',
                  cell: (g) => g.members.toLocaleString(lang),
                },
                { key: 'spend', header: t('rfm.groupSpend'), align: 'end', cell: (g) => formatYen(g.spend, lang) },
                {
                  key: 'per',
                  header: t('rfm.groupPerMember'),
                  align: 'end',
                  cell: (g) => perMember(g.spend, g.members),
                },
                {
                  key: 'segment',
                  header: '',
                  cell: (g) => (
                    <Link
                      href={segmentLink(`RFM ${t(`hq.segments.rfm.${g.group}` as MessageKey)}`, {
                        match: 'all',
                        conditions: [{ field: 'rfm_group', in: [g.group] }],
                      })}
                    >
                      {t('rfm.makeSegment')}
                    </Link>
                  ),
                },
              ]}
            />
          </section>
        </>
      )}
    </main>
  );
}
