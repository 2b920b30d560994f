import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import { formatYen } from '../../shared/format';
import { useLang, useT } from '../../shared/i18n';
import { locationName, useLocations } from '../../shared/locations';
import { Link } from '../../shared/router';
import { saveFile } from '../../shared/save-file';
import { Button, DataTable, ProblemBanner, SelectField } from '../../shared/ui';
import { cellRules, groupRules, segmentLink } from './rfm-links';
import './rfm.css';

const yen = (n: number) => `¥${n.toLocaleString('ja-JP')}`;

/**
 * /hq/analytics/rfm — RFM分析: the members who bought in the last 365 days on the segments' own 5 × 5
 * recency × frequency grid, each cell (and each named group) a link to a new segment of its members.
 */
export function RfmScreen() {
  const t = useT();
  const lang = useLang();
  const locations = useLocations();
  const stores = (locations.data ?? []).filter((l) => l.kind === 'store');
  const [store, setStore] = useState('');
  const query = store ? { store } : {};
  const grid = useQuery({
    queryKey: ['segments', 'rfm-grid', query],
    queryFn: () => call(api.GET('/api/segments/rfm-grid', { params: { query } })),
  });
  const csv = useMutation({
    mutationFn: async () => {
      const blob = await call(api.GET('/api/segments/rfm-grid/export.csv', { params: { query }, parseAs: 'blob' }));
      saveFile(blob, 'RFM分析.csv');
    },
  });
  const g = grid.data;
  const cell = (r: number, f: number) => g?.cells.find((c) => c.r === r && c.f === f);
  const max = Math.max(1, ...(g?.cells.map((c) => c.members) ?? []));
  const perMember = (spend: number, members: number) => (members ? Math.round(spend / members) : 0);

  return (
    <main className="page store hq-rfm">
      <div className="section-head">
        <h1>{t('rfm.title')}</h1>
        <Button onClick={() => csv.mutate()} busy={csv.isPending} disabled={!g}>
          {t('rfm.csv')}
        </Button>
      </div>
      <p className="muted">{t('rfm.lead')}</p>
      <SelectField label={t('rfm.store')} value={store} onChange={(e) => setStore(e.target.value)}>
        <option value="">{t('rfm.allStores')}</option>
        {stores.map((s) => (
          <option key={s.id} value={s.id}>
            {locationName(s, lang)}
          </option>
        ))}
      </SelectField>
      <ProblemBanner error={grid.error ?? csv.error} />
      {g && !g.cuts && <p className="banner banner-info">{t('rfm.none')}</p>}
      {g?.cuts && (
        <>
          <dl className="facts">
            <div className="facts-row">
              <dt>{t('rfm.buyers')}</dt>
              <dd data-testid="rfm-buyers">{t('rfm.people', { n: g.buyers.toLocaleString('ja-JP') })}</dd>
            </div>
            <div className="facts-row">
              <dt>{t('rfm.spend')}</dt>
              <dd>{formatYen(g.spend, lang)}</dd>
            </div>
          </dl>
          <section className="card" aria-labelledby="rfm-grid-title">
            <h2 id="rfm-grid-title">
              {t('rfm.recencyAxis')} × {t('rfm.frequencyAxis')}
            </h2>
            <div className="rfm-grid" role="grid" aria-label={t('rfm.title')}>
              <span className="rfm-axis">{t('rfm.corner')}</span>
              {[1, 2, 3, 4, 5].map((f) => (
                <span key={f} className="rfm-axis">
                  {f}
                </span>
              ))}
              {[5, 4, 3, 2, 1].map((r) => (
                <Row key={r} r={r}>
                  {[1, 2, 3, 4, 5].map((f) => {
                    const c = cell(r, f);
                    const members = c?.members ?? 0;
                    const each = perMember(c?.spend ?? 0, members);
                    const alpha = 0.08 + 0.72 * (members / max);
                    return (
                      <Link
                        key={f}
                        className="rfm-cell"
                        data-testid={`rfm-cell-${r}-${f}`}
                        style={{ background: `rgba(43, 108, 176, ${alpha.toFixed(2)})` }}
                        href={segmentLink(t('rfm.cellTitle', { r, f }), cellRules(r, f))}
                        aria-label={t('rfm.cellLabel', { r, f, members, perMember: yen(each) })}
                        title={t('rfm.cellTitle', { r, f })}
                      >
                        <span className="rfm-count">{members.toLocaleString('ja-JP')}</span>
                        <span className="rfm-value">{yen(each)}</span>
                      </Link>
                    );
                  })}
                </Row>
              ))}
            </div>
            <p className="muted">{t('rfm.legend')}</p>
          </section>
          <section className="card" aria-labelledby="rfm-groups-title">
            <h2 id="rfm-groups-title">{t('rfm.groups')}</h2>
            <div className="rfm-groups">
              {g.groups.map((x) => {
                const name = t(`hq.segments.rfm.${x.group}`);
                return (
                  <Link
                    key={x.group}
                    data-testid={`rfm-group-${x.group}`}
                    href={segmentLink(t('rfm.groupSegment', { name }), groupRules(x.group))}
                  >
                    {name}
                    <strong>{t('rfm.people', { n: x.members.toLocaleString('ja-JP') })}</strong>
                    <span className="muted">
                      {t('rfm.perMember')} {yen(perMember(x.spend, x.members))}
                    </span>
                  </Link>
                );
              })}
            </div>
          </section>
          <section className="card">
            <DataTable
              caption={t('rfm.table')}
              stacked
              rows={g.cells}
              rowKey={(c) => `${c.r}-${c.f}`}
              empty={null}
              columns={[
                { key: 'cell', header: t('rfm.col.cell'), cell: (c) => t('rfm.cellTitle', { r: c.r, f: c.f }) },
                {
                  key: 'members',
                  header: t('rfm.col.members'),
                  align: 'end',
                  cell: (c) => c.members.toLocaleString('ja-JP'),
                },
                { key: 'spend', header: t('rfm.col.spend'), align: 'end', cell: (c) => yen(c.spend) },
                {
                  key: 'perMember',
                  header: t('rfm.col.perMember'),
                  align: 'end',
                  cell: (c) => yen(perMember(c.spend, c.members)),
                },
                { key: 'monetary', header: t('rfm.col.monetary'), align: 'end', cell: (c) => c.monetary.toFixed(1) },
              ]}
            />
          </section>
        </>
      )}
    </main>
  );
}

/** One row of the grid: its recency score, then its five cells. */
function Row({ r, children }: { r: number; children: React.ReactNode }) {
  return (
    <>
      <span className="rfm-axis">{r}</span>
      {children}
    </>
  );
}
