import { BarChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

// Only the chart types the console draws: keeps the bundle a fraction of full ECharts.
echarts.use([BarChart, PieChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

/** An ECharts chart that follows its option and its box's size; `summary` is the text alternative. */
export function EChart({ option, height = 280, summary }: { option: ChartOption; height?: number; summary: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!box.current) return;
    chart.current = echarts.init(box.current);
    const observer = new ResizeObserver(() => chart.current?.resize());
    observer.observe(box.current);
    return () => {
      observer.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    // No animation: a refreshing dashboard should show numbers, not bars growing every 30 seconds.
    chart.current?.setOption({ animation: false, ...option }, true);
  }, [option]);
  return (
    <figure style={{ margin: 0 }}>
      <div ref={box} style={{ height }} role="img" aria-label={summary} />
      <figcaption className="visually-hidden">{summary}</figcaption>
    </figure>
  );
}
