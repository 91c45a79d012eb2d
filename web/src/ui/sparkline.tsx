import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { api } from '../api.js';
import { alignSeries, rowsOf } from '../lib/series.js';

/** A small line of a datastream's last 6 hours (15-minute averages). */
export function Sparkline({ datastream }: { datastream: number }) {
  const box = useRef<HTMLDivElement>(null);
  const rows = useQuery({
    queryKey: ['spark', datastream],
    queryFn: async () =>
      rowsOf(
        (
          await api.get('/api/measurements', {
            query: {
              datastream: [String(datastream)],
              start: new Date(Date.now() - 6 * 3600_000).toISOString(),
              interval: '15m',
              limit: 100,
            },
          })
        ).data,
      ),
    refetchInterval: 60_000,
  });
  useEffect(() => {
    const el = box.current;
    if (!el || !rows.data?.length) return;
    const plot = new uPlot(
      {
        width: 120,
        height: 28,
        legend: { show: false },
        cursor: { show: false },
        axes: [{ show: false }, { show: false }],
        series: [{}, { stroke: '#1971c2', width: 1 }],
      },
      alignSeries(rows.data, [datastream]) as uPlot.AlignedData,
      el,
    );
    return () => plot.destroy();
  }, [rows.data, datastream]);
  return <div ref={box} role="img" aria-label="last 6 hours" style={{ width: 120, height: 28 }} />;
}
