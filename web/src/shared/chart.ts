import { useEffect, useRef, type DependencyList } from 'react';
import { use as useEcharts, init, type ComposeOption } from 'echarts/core';
import { BarChart, LineChart, type BarSeriesOption, type LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

// Only what the charts draw (bars, lines, axes, tooltip, legend; SVG): a fraction of the whole library. Imported
// by the lazily loaded chart components only, so it stays out of the main bundle.
useEcharts([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>;

/**
 * An ECharts chart in the returned element: drawn from `build()` (SVG), redrawn when `deps` change, resized
 * with its box, disposed on unmount.
 */
export function useChart(build: () => ChartOption, deps: DependencyList) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const chart = init(el.current, undefined, { renderer: 'svg' });
    chart.setOption(build());
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(el.current);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
    // `build` is a new closure on every render: `deps` say when what it draws has changed.
  }, deps); // eslint-disable-line react-hooks/exhaustive-deps
  return el;
}
