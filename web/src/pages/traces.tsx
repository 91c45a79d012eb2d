import { Anchor, Badge, Button, Card, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api } from '../api.js';
import { traceColor } from '../device/activity-panel.js';
import { all } from '../lib/queries.js';
import { ApiError } from '../ui/api-error.js';
import { CodeBlock } from '../ui/json-block.js';
import { Loading } from '../ui/loading.js';

function TraceDetail({ id }: { id: string }) {
  const client = useQueryClient();
  const trace = useQuery({ queryKey: ['trace', id], queryFn: () => api.get('/api/traces/{id}', { path: { id } }) });
  const replay = useMutation({
    mutationFn: () => api.post('/api/traces/{id}/replay', { path: { id } }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['traces'] }),
  });
  if (trace.error) return <ApiError error={trace.error} />;
  if (!trace.data) return <Loading />;
  const t = trace.data;
  return (
    <Card withBorder data-testid="trace-detail">
      <Group justify="space-between">
        <Title order={3} size="h4">
          Trace {t.id}
        </Title>
        <Button variant="default" onClick={() => replay.mutate()} loading={replay.isPending} disabled={t.status !== 'failed'}>
          Replay
        </Button>
      </Group>
      <ApiError error={replay.error} />
      {replay.isSuccess && <Text size="sm">Queued again.</Text>}
      <Text size="sm" component="div">
        <Badge color={traceColor(t.status)} variant="light">
          {t.status}
        </Badge>{' '}
        received {new Date(t.receivedAt).toLocaleString()} over {t.transport.kind}
        {t.transport.topic ? ` (${t.transport.topic})` : ''}, {t.attempts} attempt(s), {t.measurements} measurements stored
      </Text>
      {t.error && (
        <Text c="red.9" size="sm">
          {t.error.code}: {t.error.message}
        </Text>
      )}
      <Table fz="sm" mt="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Step</Table.Th>
            <Table.Th>Worker</Table.Th>
            <Table.Th>Duration</Table.Th>
            <Table.Th>Result</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {t.steps.map((s, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: steps are positional (the same worker may appear twice)
            <Table.Tr key={`${i}-${s.worker}`}>
              <Table.Td>{i + 1}</Table.Td>
              <Table.Td>{s.worker}</Table.Td>
              <Table.Td>
                <div style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
                  <div
                    style={{
                      width: Math.max(2, Math.min(200, s.durationMs * 4)),
                      height: 8,
                      background: 'var(--mantine-primary-color-filled)',
                    }}
                  />
                  {s.durationMs.toFixed(2)} ms
                </div>
              </Table.Td>
              <Table.Td>{s.error ? `${s.error.code}: ${s.error.message}` : 'ok'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {t.payload ? (
        <>
          <Text fw={600} mt="sm">
            Raw payload ({t.payload.size} bytes)
          </Text>
          <CodeBlock label="raw payload" maxHeight={200}>
            {t.payload.text ?? t.payload.base64}
          </CodeBlock>
        </>
      ) : (
        <Text c="dimmed" mt="sm">
          Raw message not kept (the pipeline keeps failures and a sample; set its trace messages to "all" to keep every one)
        </Text>
      )}
    </Card>
  );
}

export default function TracesPage() {
  const client = useQueryClient();
  const [params, setParams] = useSearchParams();
  const filter = {
    status: params.get('status') ?? undefined,
    pipeline: params.get('pipeline') ?? undefined,
    device: params.get('device') ?? undefined,
    start: params.get('start') ?? undefined,
  };
  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete('id');
    setParams(next);
  };
  const pipelines = useQuery({
    queryKey: ['pipelines'],
    queryFn: () => all(api.items('/api/pipelines', { query: { limit: 1000 } })),
  });
  const traces = useQuery({
    queryKey: ['traces', filter],
    queryFn: () =>
      api.get('/api/traces', {
        query: {
          limit: 100,
          ...(filter.status && { status: filter.status as 'failed' }),
          ...(filter.pipeline && { pipeline: filter.pipeline }),
          ...(filter.device && { device: filter.device }),
          ...(filter.start && { start: filter.start }),
        },
      }),
    refetchInterval: 5_000,
  });
  const replayAll = useMutation({
    mutationFn: () =>
      api.post('/api/traces/replay', {
        query: { ...(filter.pipeline && { pipeline: filter.pipeline }), ...(filter.device && { device: filter.device }) },
      }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['traces'] }),
  });
  const nameOf = new Map((pipelines.data ?? []).map((p) => [p.id, p.name]));
  const open = params.get('id');

  return (
    <Stack>
      <Title order={2}>Traces</Title>
      <Group align="end" wrap="wrap">
        <Select
          label="Status"
          clearable
          data={['stored', 'skipped', 'retrying', 'failed']}
          value={filter.status ?? null}
          onChange={(v) => set('status', v)}
        />
        <Select
          label="Pipeline"
          clearable
          data={(pipelines.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
          value={filter.pipeline ?? null}
          onChange={(v) => set('pipeline', v)}
        />
        <TextInput label="Device id" defaultValue={filter.device} onBlur={(e) => set('device', e.currentTarget.value || null)} />
        <TextInput
          label="Since (RFC 3339)"
          defaultValue={filter.start}
          onBlur={(e) => set('start', e.currentTarget.value || null)}
        />
        <Button variant="default" onClick={() => replayAll.mutate()} loading={replayAll.isPending}>
          Replay failed (these filters)
        </Button>
      </Group>
      {replayAll.data && <Text size="sm">{(replayAll.data as { count: number }).count} traces queued again.</Text>}
      <ApiError error={traces.error ?? replayAll.error} />
      {open && <TraceDetail id={open} />}
      {!traces.data ? (
        <Loading />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped fz="sm" data-testid="traces">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Received</Table.Th>
                <Table.Th>Pipeline</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Steps</Table.Th>
                <Table.Th>Result</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {traces.data.data.map((t) => (
                <Table.Tr key={t.id} data-trace={t.id}>
                  <Table.Td>
                    <Anchor
                      component="button"
                      type="button"
                      fz="sm"
                      onClick={() => {
                        const next = new URLSearchParams(params);
                        next.set('id', t.id);
                        setParams(next);
                      }}
                    >
                      {new Date(t.receivedAt).toLocaleString()}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{nameOf.get(t.pipelineId) ?? t.pipelineId}</Table.Td>
                  <Table.Td>
                    <Badge color={traceColor(t.status)} variant="light">
                      {t.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{t.steps.length}</Table.Td>
                  <Table.Td>{t.error ? `${t.error.code}: ${t.error.message}` : `${t.measurements} measurements`}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
