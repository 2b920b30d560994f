import { useChart, type ChartOption } from '../chart';
import { useLang } from '../i18n';
import { formatYen } from '../format';

const COLORS = ['#c2410c', '#1d4ed8', '#15803d', '#7c3aed', '#b45309', '#0e7490', '#be123c', '#4d7c0f', '#6b7280'];

/** Net sales per period as stacked bars, one series per breakdown key (a channel, a store, a category). */
export default function SalesChart({
  periods,
  series,
  label,
}: {
  periods: string[];
  series: Array<{ name: string; data: number[] }>;
  label: string;
}) {
  const lang = useLang();
  const el = useChart(() => {
    const option: ChartOption = {
      animation: false,
      grid: { left: 8, right: 8, top: 48, bottom: 8, containLabel: true },
      legend: { top: 0, type: 'scroll' },
      tooltip: { trigger: 'axis', valueFormatter: (v) => formatYen(Number(v), lang) },
      xAxis: { type: 'category', data: periods.map((d) => `${Number(d.slice(5, 7))}/${Number(d.slice(8, 10))}`) },
      yAxis: {
        type: 'value',
        axisLabel: { formatter: (v: number) => (Math.abs(v) >= 10_000 ? `${v / 10_000}万` : `¥${v}`) },
      },
      series: series.map((s, i) => ({
        name: s.name,
        type: 'bar',
        stack: 'net',
        data: s.data,
        itemStyle: { color: COLORS[i % COLORS.length]! },
      })),
    };
    return option;
  }, [periods, series, lang]);
  return <div ref={el} className="daily-chart sales-chart" role="img" aria-label={label} />;
}
