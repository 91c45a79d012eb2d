import { Button, Group, MultiSelect, SegmentedControl, Select, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../api.js';
import { all, useDevices } from '../lib/queries.js';
import { alignSeries, intervalFor, type Row, rowsOf, toCsv, toNdjson } from '../lib/series.js';
import { ApiError } from '../ui/api-error.js';
import { TimeChart } from '../ui/chart.js';

const PRESETS: Record<string, number> = {
  '1h': 3600_000,
  '6h': 6 * 3600_000,
  '24h': 86400_000,
  '7d': 7 * 86400_000,
  '30d': 30 * 86400_000,
};
type Interval = 'auto' | 'raw' | '1m' | '5m' | '15m' | '1h' | '1d';

function download(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

const toLocalInput = (ms: number) => new Date(ms - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

export default function ExplorerPage() {
  const [params] = useSearchParams();
  const [chosen, setChosen] = useState<string[]>(params.getAll('ds'));
  const [preset, setPreset] = useState<string>('6h');
  const [range, setRange] = useState<{ from: number; to: number } | null>(null);
  const [interval, setInterval] = useState<Interval>('auto');
  const [agg, setAgg] = useState<string>('avg');
  const [live, setLive] = useState(true);

  const devices = useDevices(60_000);
  const streams = useQuery({
    queryKey: ['datastreams'],
    queryFn: () => all(api.items('/api/datastreams', { query: { limit: 1000 } })),
  });
  const codeOf = useMemo(() => new Map((devices.data ?? []).map((d) => [d.id, d.code])), [devices.data]);
  const label = (s: { deviceId: string; sensor: string; observedProperty: string }) =>
    `${codeOf.get(s.deviceId) ?? s.deviceId} · ${s.sensor} · ${s.observedProperty}`;
  const selected = (streams.data ?? []).filter((s) => chosen.includes(String(s.id)));

  const now = Date.now();
  const window = range ?? { from: now - (PRESETS[preset] ?? 3600_000), to: now };
  const resolved = interval === 'auto' ? intervalFor(window.to - window.from) : interval;
  const data = useQuery({
    queryKey: ['explore', chosen, range, preset, resolved, agg],
    enabled: chosen.length > 0,
    refetchInterval: live && !range ? 5_000 : false,
    queryFn: async (): Promise<Row[]> => {
      const end = range ? range.to : Date.now();
      const start = range ? range.from : end - (PRESETS[preset] ?? 3600_000);
      const rows: Row[] = [];
      const query = {
        datastream: chosen,
        start: new Date(start).toISOString(),
        end: new Date(end + 1).toISOString(),
        limit: 20_000,
        ...(resolved !== 'raw' && { interval: resolved, agg: agg as 'avg' }),
      };
      for await (const page of api.queryMeasurements(query)) {
        rows.push(...rowsOf(page.data));
        if (rows.length > 200_000) break;
      }
      return rows;
    },
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: the ids are derived from chosen and the stream list
  const ids = useMemo(() => selected.map((s) => s.id), [chosen, streams.data]);
  const aligned = useMemo(() => alignSeries(data.data ?? [], ids), [data.data, ids]);
  const series = selected.map((s) => ({ label: label(s), unit: s.unit }));

  return (
    <Stack>
      <Title order={2}>Data explorer</Title>
      <MultiSelect
        label="Datastreams"
        searchable
        data={(streams.data ?? []).map((s) => ({ value: String(s.id), label: `${label(s)} (${s.unit})` }))}
        value={chosen}
        onChange={setChosen}
        placeholder="pick one or more"
      />
      <Group align="end" wrap="wrap">
        <SegmentedControl
          aria-label="Time range"
          data={Object.keys(PRESETS)}
          value={range ? '' : preset}
          onChange={(v) => {
            setPreset(v);
            setRange(null);
          }}
        />
        <TextInput
          type="datetime-local"
          label="From"
          value={toLocalInput(window.from)}
          onChange={(e) => {
            const from = Date.parse(e.currentTarget.value);
            if (!Number.isNaN(from)) setRange({ from, to: window.to });
          }}
        />
        <TextInput
          type="datetime-local"
          label="To"
          value={toLocalInput(window.to)}
          onChange={(e) => {
            const to = Date.parse(e.currentTarget.value);
            if (!Number.isNaN(to)) setRange({ from: window.from, to });
          }}
        />
        <Select
          label="Resolution"
          data={['auto', 'raw', '1m', '5m', '15m', '1h', '1d']}
          value={interval}
          onChange={(v) => setInterval((v ?? 'auto') as Interval)}
          allowDeselect={false}
          w={110}
        />
        <Select
          label="Aggregate"
          data={['avg', 'min', 'max', 'sum', 'count', 'first', 'last']}
          value={agg}
          onChange={(v) => setAgg(v ?? 'avg')}
          disabled={resolved === 'raw'}
          allowDeselect={false}
          w={100}
        />
        <Switch label="Live" checked={live && !range} disabled={!!range} onChange={(e) => setLive(e.currentTarget.checked)} />
        {range && (
          <Button variant="default" onClick={() => setRange(null)}>
            Reset zoom
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed" aria-live="polite">
        {chosen.length === 0
          ? 'Pick datastreams to draw.'
          : `${data.data?.length ?? 0} points, ${resolved === 'raw' ? 'raw values' : `${agg} per ${resolved}`}. Drag on the chart to zoom.`}
      </Text>
      <ApiError error={data.error ?? streams.error} />
      {selected.length > 0 && <TimeChart data={aligned} series={series} onZoom={(from, to) => setRange({ from, to })} />}
      {selected.length > 0 && (
        <Group>
          <Button
            variant="default"
            onClick={() =>
              download(
                'polder.csv',
                'text/csv',
                toCsv(
                  aligned,
                  series.map((s) => `${s.label} (${s.unit})`),
                ),
              )
            }
          >
            Download CSV
          </Button>
          <Button variant="default" onClick={() => download('polder.ndjson', 'application/x-ndjson', toNdjson(data.data ?? []))}>
            Download NDJSON
          </Button>
        </Group>
      )}
    </Stack>
  );
}
