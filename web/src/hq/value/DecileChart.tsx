import { useChart, type ChartOption } from '../../shared/chart';
import { formatYen } from '../../shared/format';
import { useLang, useT } from '../../shared/i18n';

interface Decile {
  decile: number;
  predictedValue: number;
  actualValue: number;
}

/** Predicted against actual sales per member, for each tenth of members ranked by prediction. */
export default function DecileChart({ deciles }: { deciles: Decile[] }) {
  const t = useT();
  const lang = useLang();
  const el = useChart(() => {
    const option: ChartOption = {
      animation: false,
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, data: [t('value.col.predictedValue'), t('value.col.actualValue')] },
      tooltip: { trigger: 'axis', valueFormatter: (v) => formatYen(Number(v), lang) },
      xAxis: { type: 'category', data: deciles.map((d) => t('value.decile', { n: d.decile })) },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => `¥${v.toLocaleString('ja-JP')}` } },
      series: [
        {
          name: t('value.col.predictedValue'),
          type: 'bar',
          data: deciles.map((d) => d.predictedValue),
          itemStyle: { color: '#1d4ed8' },
        },
        {
          name: t('value.col.actualValue'),
          type: 'bar',
          data: deciles.map((d) => d.actualValue),
          itemStyle: { color: '#c2410c' },
        },
      ],
    };
    return option;
  }, [deciles, t, lang]);
  return <div ref={el} className="daily-chart" role="img" aria-label={t('value.chart')} />;
}
