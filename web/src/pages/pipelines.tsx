import { Anchor, Badge, Button, Card, Group, Select, Stack, Table, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../api.js';
import { all } from '../lib/queries.js';
import { ApiError } from '../ui/api-error.js';
import { Loading } from '../ui/loading.js';

const hourAgo = () => new Date(Date.now() - 3600_000).toISOString();

/** Traces of the last hour and failed traces (dead letters) of a pipeline, from the totals of /api/traces. */
function PipelineCounts({ id }: { id: string }) {
  const counts = useQuery({
    queryKey: ['pipeline-counts', id],
    queryFn: async () => {
      const [hour, failed] = await Promise.all([
        api.get('/api/traces', { query: { pipeline: id, start: hourAgo(), limit: 1, count: true } }),
        api.get('/api/traces', { query: { pipeline: id, status: 'failed', limit: 1, count: true } }),
      ]);
      return { hour: (hour as { total?: number }).total ?? 0, failed: (failed as { total?: number }).total ?? 0 };
    },
    refetchInterval: 15_000,
  });
  if (!counts.data) return <Table.Td colSpan={2}>…</Table.Td>;
  return (
    <>
      <Table.Td>{counts.data.hour}</Table.Td>
      <Table.Td>
        <Badge color={counts.data.failed ? 'red' : 'gray'} variant="light">
          {counts.data.failed}
        </Badge>
      </Table.Td>
    </>
  );
}

export default function PipelinesPage() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const pipelines = useQuery({
    queryKey: ['pipelines'],
    queryFn: () => all(api.items('/api/pipelines', { query: { limit: 1000 } })),
  });
  const builtin = useQuery({ queryKey: ['builtin'], queryFn: () => api.get('/api/workers/builtin') });
  const scripts = useQuery({ queryKey: ['workers'], queryFn: () => all(api.items('/api/workers', { query: { limit: 1000 } })) });
  const [name, setName] = useState('');
  const [envelope, setEnvelope] = useState<string | null>(null);
  const [decoder, setDecoder] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () =>
      api.post('/api/pipelines', {
        body: {
          name,
          steps: [envelope, decoder].filter((s): s is string => !!s).map((worker) => ({ worker })),
          autoRegister: true,
        },
      }),
    onSuccess: (p) => {
      void client.invalidateQueries({ queryKey: ['pipelines'] });
      void navigate(`/pipelines/${p.id}`);
    },
  });
  const workers = builtin.data?.data ?? [];
  const envelopes = workers.filter((w) => w.kind === 'envelope').map((w) => w.name);
  const decoders = [
    ...workers.filter((w) => w.kind !== 'envelope').map((w) => w.name),
    ...(scripts.data ?? []).map((s) => s.name),
  ];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };

  return (
    <Stack>
      <Title order={2}>Pipelines</Title>
      <Card withBorder>
        <form onSubmit={submit} aria-label="New pipeline">
          <Group align="end" wrap="wrap">
            <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
            <Select label="Envelope (network server)" clearable data={envelopes} value={envelope} onChange={setEnvelope} />
            <Select label="Decoder (vendor codec)" clearable searchable data={decoders} value={decoder} onChange={setDecoder} />
            <Button type="submit" loading={create.isPending}>
              Create pipeline
            </Button>
          </Group>
        </form>
        <ApiError error={create.error} title="Pipeline refused" />
      </Card>
      <ApiError error={pipelines.error ?? builtin.error} />
      {!pipelines.data ? (
        <Loading />
      ) : (
        <Table.ScrollContainer minWidth={600}>
          <Table striped data-testid="pipelines">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Steps</Table.Th>
                <Table.Th>Uplinks (1 h)</Table.Th>
                <Table.Th>Failed</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {pipelines.data.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/pipelines/${p.id}`}>
                      {p.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{p.status}</Table.Td>
                  <Table.Td>{p.steps.map((s) => s.worker).join(' → ')}</Table.Td>
                  <PipelineCounts id={p.id} />
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
