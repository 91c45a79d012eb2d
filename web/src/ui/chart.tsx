import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { Aligned } from '../lib/series.js';

const PALETTE = ['#1971c2', '#e8590c', '#2f9e44', '#9c36b5', '#c2255c', '#0c8599', '#5c940d'];

export interface ChartSeries {
  label: string;
  unit: string;
}

/**
 * A uPlot time-series chart: one y axis per unit (left, then right), drag to zoom (reported
 * through onZoom so the caller fetches that range at the right resolution), double-click resets.
 */
export function TimeChart(props: {
  data: Aligned;
  series: ChartSeries[];
  height?: number;
  onZoom?: (fromMs: number, toMs: number) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const zoom = useRef(props.onZoom);
  zoom.current = props.onZoom;
  const shape = JSON.stringify(props.series);

  // biome-ignore lint/correctness/useExhaustiveDependencies: rebuilt when the set of series changes (shape); new data goes through setData below
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const units = [...new Set(props.series.map((s) => s.unit))];
    const opts: uPlot.Options = {
      width: el.clientWidth || 600,
      height: props.height ?? 320,
      series: [
        {},
        ...props.series.map((s, i) => ({
          label: `${s.label} (${s.unit})`,
          stroke: PALETTE[i % PALETTE.length],
          width: 1.5,
          scale: s.unit,
          spanGaps: false,
        })),
      ],
      axes: [{}, ...units.map((u, i) => ({ scale: u, side: i % 2 === 0 ? 3 : 1, label: u, grid: { show: i === 0 } }))],
      scales: Object.fromEntries(units.map((u) => [u, {}])),
      hooks: {
        setSelect: [
          (u: uPlot) => {
            if (u.select.width < 5) return;
            const from = u.posToVal(u.select.left, 'x') * 1000;
            const to = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
            zoom.current?.(from, to);
          },
        ],
      },
      cursor: { drag: { x: true, y: false, setScale: false } },
    };
    plot.current = new uPlot(opts, props.data as uPlot.AlignedData, el);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth, height: props.height ?? 320 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [shape, props.height]);

  useEffect(() => {
    plot.current?.setData(props.data as uPlot.AlignedData);
  }, [props.data]);

  return <div ref={box} data-testid="chart" style={{ width: '100%' }} />;
}
