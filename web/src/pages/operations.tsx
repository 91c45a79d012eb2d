import { Card, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useRef } from 'react';
import { PolderError } from '../api.js';
import { formatBytes, formatDuration, parseMetrics, rate, total } from '../lib/metrics.js';
import { ApiError } from '../ui/api-error.js';
import { Loading } from '../ui/loading.js';

interface Scrape {
  at: number;
  uplinks: number;
  failed: number;
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <Card withBorder>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fz="xl" fw={700}>
        {value}
      </Text>
    </Card>
  );
}

/** The service's own state, from the same numbers as /metrics (scraped every 5 s). */
export default function OperationsPage() {
  const previous = useRef<Scrape | null>(null);
  const metrics = useQuery({
    queryKey: ['metrics'],
    refetchInterval: 5_000,
    queryFn: async () => {
      const res = await fetch('/metrics');
      if (!res.ok) throw await PolderError.fromResponse(res);
      const samples = parseMetrics(await res.text());
      const now: Scrape = {
        at: Date.now(),
        uplinks: total(samples, 'polder_uplinks_received_total'),
        failed: total(samples, 'polder_pipeline_messages_total', { status: 'failed' }),
      };
      const before = previous.current;
      previous.current = now;
      const seconds = before ? (now.at - before.at) / 1000 : 0;
      const inbox = samples.filter((s) => /inbox.*(depth|pending|messages)$/.test(s.name));
      return {
        uptime: Date.now() / 1000 - total(samples, 'process_start_time_seconds'),
        memory: total(samples, 'process_resident_memory_bytes'),
        heap: total(samples, 'nodejs_heap_size_used_bytes'),
        uplinksPerS: before ? rate(before.uplinks, now.uplinks, seconds) : null,
        uplinks: now.uplinks,
        rejected: total(samples, 'polder_uplinks_rejected_total'),
        failed: now.failed,
        failedPerS: before ? rate(before.failed, now.failed, seconds) : null,
        stored: total(samples, 'polder_measurements_stored_total'),
        mqttClients: total(samples, 'polder_mqtt_connected_clients'),
        live: total(samples, 'polder_live_subscriptions'),
        inbox: inbox.length ? inbox.reduce((n, s) => n + s.value, 0) : null,
      };
    },
  });
  if (metrics.error) return <ApiError error={metrics.error} />;
  if (!metrics.data) return <Loading />;
  const m = metrics.data;
  const perS = (v: number | null) => (v === null ? 'measuring…' : `${v.toFixed(2)} /s`);
  return (
    <Stack>
      <Title order={2}>Operations</Title>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} data-testid="operations">
        <Stat label="Uptime" value={formatDuration(m.uptime)} />
        <Stat label="Memory (resident)" value={formatBytes(m.memory)} />
        <Stat label="Heap used" value={formatBytes(m.heap)} />
        <Stat label="Inbox depth" value={m.inbox === null ? 'not exported' : String(m.inbox)} />
        <Stat label="Uplinks" value={perS(m.uplinksPerS)} />
        <Stat label="Uplinks received (total)" value={String(m.uplinks)} />
        <Stat label="Uplinks rejected (total)" value={String(m.rejected)} />
        <Stat label="Failed messages" value={`${m.failed} (${perS(m.failedPerS)})`} />
        <Stat label="Measurements stored" value={String(m.stored)} />
        <Stat label="MQTT clients" value={String(m.mqttClients)} />
        <Stat label="Live subscriptions" value={String(m.live)} />
      </SimpleGrid>
      <Text size="sm" c="dimmed">
        From <a href="/metrics">/metrics</a> (Prometheus), every 5 s.
      </Text>
    </Stack>
  );
}
