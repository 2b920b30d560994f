import { useChart, type ChartOption } from '../../shared/chart';
import { formatYen } from '../../shared/format';
import { useLang } from '../../shared/i18n';

/** Historical LTV per member by group as vertical bars. */
export default function LtvChart({ rows, label }: { rows: Array<{ name: string; yen: number }>; label: string }) {
  const lang = useLang();
  const el = useChart(() => {
    const option: ChartOption = {
      animation: false,
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', valueFormatter: (v) => formatYen(Number(v), lang) },
      xAxis: { type: 'category', data: rows.map((r) => r.name) },
      yAxis: {
        type: 'value',
        axisLabel: { formatter: (v: number) => (Math.abs(v) >= 10_000 ? `${v / 10_000}万` : `¥${v}`) },
      },
      series: [{ type: 'bar', data: rows.map((r) => r.yen), itemStyle: { color: '#1f3a5f' }, barMaxWidth: 48 }],
    };
    return option;
  }, [rows, lang]);
  return <div ref={el} className="ltv-chart" style={{ height: '240px' }} role="img" aria-label={label} />;
}
