import { ActionIcon, Button, Card, Code, Group, Select, Stack, Switch, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { api } from '../api.js';
import { parseConfig } from '../lib/pipeline-test.js';
import { all } from '../lib/queries.js';
import { TestBench } from '../pipeline/test-bench.js';
import { ApiError } from '../ui/api-error.js';
import { Loading } from '../ui/loading.js';

interface DraftStep {
  worker: string;
  config: string;
}

export default function PipelinePage() {
  const { id = '' } = useParams();
  const client = useQueryClient();
  const pipeline = useQuery({ queryKey: ['pipeline', id], queryFn: () => api.get('/api/pipelines/{id}', { path: { id } }) });
  const builtin = useQuery({ queryKey: ['builtin'], queryFn: () => api.get('/api/workers/builtin') });
  const scripts = useQuery({ queryKey: ['workers'], queryFn: () => all(api.items('/api/workers', { query: { limit: 1000 } })) });
  const [steps, setSteps] = useState<DraftStep[]>([]);
  const [sources, setSources] = useState('[]');
  const [autoRegister, setAutoRegister] = useState(false);
  const [active, setActive] = useState(true);
  const [token, setToken] = useState<string>();

  useEffect(() => {
    const p = pipeline.data;
    if (!p) return;
    setSteps(p.steps.map((s) => ({ worker: s.worker, config: s.config ? JSON.stringify(s.config, null, 2) : '' })));
    setSources(JSON.stringify(p.sources, null, 2));
    setAutoRegister(p.autoRegister);
    setActive(p.status === 'active');
  }, [pipeline.data]);

  const save = useMutation({
    mutationFn: () => {
      const parsed = steps.map((s) => ({ worker: s.worker, ...parseConfig(s.config) }));
      const bad = parsed.findIndex((s) => s.error);
      if (bad >= 0) throw new Error(`step ${bad + 1}: ${parsed[bad]?.error}`);
      let src: unknown;
      try {
        src = JSON.parse(sources);
      } catch {
        throw new Error('sources: not JSON');
      }
      return api.patch('/api/pipelines/{id}', {
        path: { id },
        body: {
          steps: parsed.map((s) => ({ worker: s.worker, ...(s.config && { config: s.config }) })),
          sources: src as never,
          autoRegister,
          status: active ? 'active' : 'inactive',
        },
      });
    },
    onSuccess: (p) => {
      client.setQueryData(['pipeline', id], p);
      void client.invalidateQueries({ queryKey: ['pipelines'] });
    },
  });
  const issue = useMutation({
    mutationFn: () => api.post('/api/pipelines/{id}/ingest-token', { path: { id } }),
    onSuccess: (r) => setToken(r.token),
  });

  if (pipeline.error) return <ApiError error={pipeline.error} />;
  if (!pipeline.data) return <Loading />;
  const workers = [...(builtin.data?.data ?? []).map((w) => w.name), ...(scripts.data ?? []).map((s) => s.name)];
  const configHint = (worker: string) => builtin.data?.data.find((w) => w.name === worker)?.configSchema;
  const move = (i: number, d: number) => {
    const next = [...steps];
    const [s] = next.splice(i, 1);
    if (s) next.splice(i + d, 0, s);
    setSteps(next);
  };

  return (
    <Stack>
      <Title order={2}>Pipeline {pipeline.data.name}</Title>
      <Card withBorder>
        <Title order={3} size="h4" mb="sm">
          Steps
        </Title>
        <Stack>
          {steps.map((s, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: steps are positional (the same worker may appear twice)
            <Group key={`${i}-${s.worker}`} align="start" wrap="wrap">
              <Select
                label={`Step ${i + 1} worker`}
                searchable
                data={workers.includes(s.worker) ? workers : [s.worker, ...workers]}
                value={s.worker}
                onChange={(v) => setSteps(steps.map((x, j) => (j === i ? { ...x, worker: v ?? x.worker } : x)))}
              />
              <Textarea
                label="Config (JSON)"
                autosize
                minRows={1}
                w={320}
                value={s.config}
                description={configHint(s.worker) ? `schema: ${JSON.stringify(configHint(s.worker)).slice(0, 120)}` : undefined}
                onChange={(e) => {
                  const v = e.currentTarget.value;
                  setSteps(steps.map((x, j) => (j === i ? { ...x, config: v } : x)));
                }}
              />
              <Group gap={4} mt={24}>
                <ActionIcon variant="default" aria-label={`Move step ${i + 1} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                  ↑
                </ActionIcon>
                <ActionIcon
                  variant="default"
                  aria-label={`Move step ${i + 1} down`}
                  disabled={i === steps.length - 1}
                  onClick={() => move(i, 1)}
                >
                  ↓
                </ActionIcon>
                <ActionIcon
                  variant="default"
                  aria-label={`Remove step ${i + 1}`}
                  onClick={() => setSteps(steps.filter((_, j) => j !== i))}
                >
                  ✕
                </ActionIcon>
              </Group>
            </Group>
          ))}
          <Group>
            <Button variant="default" onClick={() => setSteps([...steps, { worker: workers[0] ?? '', config: '' }])}>
              Add step
            </Button>
          </Group>
          <Textarea
            label="Sources (JSON: mqtt topics, amqp queues, pollers)"
            autosize
            minRows={2}
            value={sources}
            onChange={(e) => setSources(e.currentTarget.value)}
          />
          <Group>
            <Switch
              label="Register unknown devices"
              checked={autoRegister}
              onChange={(e) => setAutoRegister(e.currentTarget.checked)}
            />
            <Switch label="Active" checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
          </Group>
          <Group>
            <Button onClick={() => save.mutate()} loading={save.isPending}>
              Save pipeline
            </Button>
            {save.isSuccess && <Text size="sm">Saved.</Text>}
          </Group>
          <ApiError error={save.error} title="Pipeline refused" />
        </Stack>
      </Card>
      <Card withBorder>
        <Title order={3} size="h4" mb="sm">
          Ingest over HTTP
        </Title>
        <Text size="sm">
          POST <Code>/api/uplinks/{pipeline.data.id}</Code> with <Code>Authorization: Bearer &lt;token&gt;</Code>. Token{' '}
          {pipeline.data.hasIngestToken ? 'issued' : 'not issued'}.
        </Text>
        <Group mt="sm">
          <Button variant="default" onClick={() => issue.mutate()} loading={issue.isPending}>
            {pipeline.data.hasIngestToken ? 'Replace ingest token' : 'Issue ingest token'}
          </Button>
        </Group>
        {token && (
          <Text size="sm" mt="sm">
            Token (shown once, copy it now): <Code data-testid="ingest-token">{token}</Code>
          </Text>
        )}
        <ApiError error={issue.error} />
      </Card>
      <TestBench
        steps={steps
          .map((s) => ({ worker: s.worker, ...parseConfig(s.config) }))
          .map(({ worker, config }) => ({ worker, ...(config && { config }) }))}
      />
    </Stack>
  );
}
