import { useChart, type ChartOption } from '../../shared/chart';
import { formatYen } from '../../shared/format';
import { useLang } from '../../shared/i18n';

/** Estimated lost sales per store as horizontal bars, the worst store on top. */
export default function StockoutChart({
  stores,
  label,
}: {
  stores: Array<{ name: string; yen: number }>;
  label: string;
}) {
  const lang = useLang();
  const rows = [...stores].reverse(); // ECharts draws the first category at the bottom
  const el = useChart(() => {
    const option: ChartOption = {
      animation: false,
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', valueFormatter: (v) => formatYen(Number(v), lang) },
      xAxis: {
        type: 'value',
        axisLabel: { formatter: (v: number) => (Math.abs(v) >= 10_000 ? `${v / 10_000}万` : `¥${v}`) },
      },
      yAxis: { type: 'category', data: rows.map((s) => s.name), axisLabel: { width: 180, overflow: 'truncate' } },
      series: [{ type: 'bar', data: rows.map((s) => s.yen), itemStyle: { color: '#c2410c' } }],
    };
    return option;
  }, [stores, lang]);
  return (
    <div
      ref={el}
      className="stockout-chart"
      style={{ height: `${Math.max(120, rows.length * 28 + 40)}px` }}
      role="img"
      aria-label={label}
    />
  );
}
