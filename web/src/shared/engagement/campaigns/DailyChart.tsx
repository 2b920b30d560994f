import { useChart, type ChartOption } from '../../chart';
import { useLang, useT } from '../../i18n';
import { formatYen } from '../../format';

export interface DailyPoint {
  date: string;
  orders: number;
  sales: number;
}

/** Every Japan-time day from `from` to `until` (or today, if sooner), with the days that had no sale at 0. */
export function fillDays(points: DailyPoint[], from: string, until: string, now = new Date()): DailyPoint[] {
  const day = (d: Date) => new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
  const last = day(new Date(Math.min(new Date(until).getTime() - 1, now.getTime())));
  const byDate = new Map(points.map((p) => [p.date, p]));
  const out: DailyPoint[] = [];
  for (let d = day(new Date(from)); d <= last && out.length < 400;) {
    out.push(byDate.get(d) ?? { date: d, orders: 0, sales: 0 });
    d = new Date(Date.parse(`${d}T00:00:00Z`) + 86400_000).toISOString().slice(0, 10);
  }
  return out;
}

/** 日別の推移: the sales (bars) and orders (line) the campaign earned, day by day over its window. */
export default function DailyChart({ points, from, until }: { points: DailyPoint[]; from: string; until: string }) {
  const t = useT();
  const lang = useLang();
  const el = useChart(() => {
    const days = fillDays(points, from, until);
    const label = (d: string) => `${Number(d.slice(5, 7))}/${Number(d.slice(8, 10))}`;
    const option: ChartOption = {
      animation: false,
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, data: [t('hq.campaigns.attributedSales'), t('hq.campaigns.attributedOrders')] },
      tooltip: { trigger: 'axis', valueFormatter: (v) => String(v) },
      xAxis: { type: 'category', data: days.map((d) => label(d.date)) },
      yAxis: [
        { type: 'value', axisLabel: { formatter: (v: number) => `¥${v.toLocaleString('ja-JP')}` } },
        { type: 'value', minInterval: 1, splitLine: { show: false } },
      ],
      series: [
        {
          name: t('hq.campaigns.attributedSales'),
          type: 'bar',
          data: days.map((d) => d.sales),
          itemStyle: { color: '#c2410c' },
          tooltip: { valueFormatter: (v) => formatYen(Number(v), lang) },
        },
        {
          name: t('hq.campaigns.attributedOrders'),
          type: 'line',
          yAxisIndex: 1,
          data: days.map((d) => d.orders),
          itemStyle: { color: '#1d4ed8' },
        },
      ],
    };
    return option;
  }, [points, from, until, t, lang]);
  return <div ref={el} className="daily-chart" role="img" aria-label={t('hq.campaigns.dailyChart')} />;
}
