import { useState } from 'react';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import { useT } from '../../shared/i18n';
import { saveFile } from '../../shared/save-file';
import { Button, ProblemBanner, SelectField } from '../../shared/ui';
import { CohortFilterBar } from './CohortFilterBar';
import { cohortQuery, lastTwelveMonths, plainYen, type CohortFilters } from './shared';

/** Retention as an indigo heat (the house colour): the darker, the larger the share who bought that month. */
const heat = (share: number) => ({
  background: `rgba(31, 58, 95, ${Math.min(1, 0.08 + share * 0.85).toFixed(2)})`,
  color: share > 0.4 ? '#fff' : undefined,
});

/**
 * /hq/analytics/cohorts — コホート分析: first-purchase month × months since, retention as a heatmap and the
 * cumulative net value per member beneath each share; CSV.
 */
export function CohortsScreen() {
  const t = useT();
  const [f, setF] = useState<CohortFilters>(lastTwelveMonths);
  const [excl, setExcl] = useState(false);
  const report = useQuery({
    queryKey: ['analytics', 'cohorts', cohortQuery(f)],
    queryFn: () => call(api.GET('/api/analytics/cohorts', { params: { query: cohortQuery(f) } })),
    placeholderData: keepPreviousData,
  });
  const csv = useMutation({
    mutationFn: async () => {
      const blob = await call(
        api.GET('/api/analytics/cohorts/export.csv', { params: { query: cohortQuery(f) }, parseAs: 'blob' }),
      );
      saveFile(blob, `コホート_${f.from}_${f.to}.csv`);
    },
  });
  const r = report.data;
  const span = Math.max(0, ...(r?.cohorts ?? []).map((c) => c.cells.length));
  const monthLabel = (m: string) => t('cohorts.monthLabel', { y: m.slice(0, 4), m: String(+m.slice(5, 7)) });
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

  return (
    <main className="page store hq-cohorts">
      <h1>{t('cohorts.title')}</h1>
      <p className="muted">{t('cohorts.lead')}</p>
      <CohortFilterBar f={f} onChange={setF} />
      <div className="hq-filter-row">
        <SelectField
          label={t('cohorts.tax')}
          value={excl ? 'excl' : 'incl'}
          onChange={(e) => setExcl(e.target.value === 'excl')}
        >
          <option value="incl">{t('cohorts.taxIncl')}</option>
          <option value="excl">{t('cohorts.taxExcl')}</option>
        </SelectField>
      </div>
      <ProblemBanner error={report.error ?? csv.error} />
      {r && r.cohorts.length === 0 && <p className="muted">{t('cohorts.none')}</p>}
      {r && r.cohorts.length > 0 && (
        <>
          <div className="actions">
            <Button onClick={() => csv.mutate()} busy={csv.isPending}>
              {t('cohorts.csv')}
            </Button>
          </div>
          <p className="muted small">
            {t('cohorts.retention')} / {t('cohorts.cumulative')}（{excl ? t('cohorts.taxExcl') : t('cohorts.taxIncl')}）
          </p>
          <div className="table-wrap cohort-wrap">
            <table className="table cohort-grid" data-testid="cohort-grid">
              <thead>
                <tr>
                  <th scope="col">{t('cohorts.month')}</th>
                  <th scope="col" className="num">
                    {t('cohorts.members')}
                  </th>
                  {Array.from({ length: span }, (_, i) => (
                    <th key={i} scope="col" className="num">
                      {i === 0 ? t('cohorts.since0') : t('cohorts.since', { n: String(i) })}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {r.cohorts.map((c) => (
                  <tr key={c.month}>
                    <th scope="row">{monthLabel(c.month)}</th>
                    <td className="num">{c.members.toLocaleString('ja-JP')}</td>
                    {Array.from({ length: span }, (_, i) => {
                      const cell = c.cells[i];
                      if (!cell) return <td key={i} />;
                      return (
                        <td key={i} className="num cohort-cell" style={heat(cell.retention)}>
                          <span className="cohort-pct">{pct(cell.retention)}</span>
                          <span className="cohort-yen">
                            {plainYen(excl ? cell.cumulativePerMemberExcl : cell.cumulativePerMember)}
                          </span>
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </main>
  );
}
