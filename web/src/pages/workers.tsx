import { Badge, Button, Card, Code, Group, NavLink, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, raw } from '../api.js';
import { diffLines } from '../lib/diff.js';
import { all } from '../lib/queries.js';
import { ApiError } from '../ui/api-error.js';
import { CodeEditor } from '../ui/code-editor.js';
import { CodeBlock } from '../ui/json-block.js';

const TEMPLATE = `// A vendor codec as published (TTN / LoRa Alliance payload codec API).
function decodeUplink(input) {
  // input.bytes: number[], input.fPort: number
  return { data: { temperature: ((input.bytes[0] << 8) | input.bytes[1]) / 100 }, warnings: [], errors: [] };
}
`;

type Result = { output: unknown; logs: { level: string; message: string }[]; errors: { code: string; message: string }[] };

export default function WorkersPage() {
  const client = useQueryClient();
  const workers = useQuery({ queryKey: ['workers'], queryFn: () => all(api.items('/api/workers', { query: { limit: 1000 } })) });
  const [selected, setSelected] = useState<string | null>(null);
  const [name, setName] = useState('my-codec');
  const [source, setSource] = useState(TEMPLATE);
  const [sample, setSample] = useState('0929');
  const [result, setResult] = useState<Result | null>(null);
  const [compare, setCompare] = useState<number | null>(null);
  const worker = useQuery({
    queryKey: ['worker', selected],
    queryFn: () => api.get('/api/workers/{id}', { path: { id: selected ?? '' } }),
    enabled: !!selected,
  });
  const revisions = useQuery({
    queryKey: ['revisions', selected],
    queryFn: () => all(api.items('/api/workers/{id}/revisions', { path: { id: selected ?? '' }, query: { limit: 1000 } })),
    enabled: !!selected,
  });
  useEffect(() => {
    if (worker.data) {
      setName(worker.data.name);
      setSource(worker.data.source ?? '');
    }
  }, [worker.data]);

  const save = useMutation({
    mutationFn: (src: string) =>
      selected
        ? api.patch('/api/workers/{id}', { path: { id: selected }, body: { name, source: src } })
        : api.post('/api/workers', { body: { name, source: src } }),
    onSuccess: (w) => {
      setSelected(w.id);
      void client.invalidateQueries({ queryKey: ['workers'] });
      void client.invalidateQueries({ queryKey: ['worker', w.id] });
      void client.invalidateQueries({ queryKey: ['revisions', w.id] });
    },
  });
  const test = useMutation({
    mutationFn: () =>
      raw<Result>('POST', `/api/workers/${encodeURIComponent(selected ?? name)}/test`, {
        payload: sample,
        encoding: 'hex',
        fPort: 1,
      }),
    onSuccess: setResult,
  });
  const old = revisions.data?.find((r) => r.revision === compare);

  return (
    <Stack>
      <Title order={2}>Workers</Title>
      <SimpleGrid cols={{ base: 1, md: 4 }}>
        <Card withBorder>
          <NavLink
            label="+ New script"
            active={!selected}
            onClick={() => {
              setSelected(null);
              setName('my-codec');
              setSource(TEMPLATE);
            }}
          />
          {workers.data?.map((w) => (
            <NavLink
              key={w.id}
              label={w.name}
              description={`revision ${w.revision}`}
              active={w.id === selected}
              onClick={() => setSelected(w.id)}
            />
          ))}
          <ApiError error={workers.error} />
        </Card>
        <Stack style={{ gridColumn: 'span 3' }}>
          <Group align="end">
            <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
            <Button onClick={() => save.mutate(source)} loading={save.isPending}>
              {selected ? 'Save as new revision' : 'Create script'}
            </Button>
          </Group>
          <CodeEditor value={source} onChange={setSource} label="Script source" />
          <ApiError error={save.error} title="Script refused" />
          <Group align="end">
            <Textarea label="Example payload (hex)" value={sample} onChange={(e) => setSample(e.currentTarget.value)} autosize />
            <Button variant="default" onClick={() => test.mutate()} loading={test.isPending} disabled={!selected}>
              Run against example
            </Button>
          </Group>
          <ApiError error={test.error} />
          {result && (
            <Card withBorder>
              <Badge color={result.errors.length ? 'red' : 'green'} variant="light">
                {result.errors.length ? 'failed' : 'ok'}
              </Badge>
              {result.errors.map((e) => (
                <Text key={e.code + e.message} c="red.9" size="sm">
                  {e.code}: {e.message}
                </Text>
              ))}
              <CodeBlock label="test output">{JSON.stringify(result.output, null, 2)}</CodeBlock>
            </Card>
          )}
          {selected && (
            <Card withBorder>
              <Title order={3} size="h4" mb="xs">
                Revisions
              </Title>
              {revisions.data?.map((r) => (
                <Group key={r.revision} gap="xs">
                  <Text size="sm">
                    #{r.revision} · {new Date(r.createdAt).toLocaleString()} · {r.createdBy ?? '—'}
                  </Text>
                  <Button size="xs" variant="subtle" onClick={() => setCompare(r.revision)}>
                    Diff with editor
                  </Button>
                  <Button size="xs" variant="subtle" onClick={() => save.mutate(r.source)}>
                    Roll back to this
                  </Button>
                </Group>
              ))}
              {old && (
                <Code block mt="sm" aria-label={`diff of revision ${old.revision} with the editor`}>
                  {diffLines(old.source, source)
                    .map((l) => `${l.op} ${l.text}`)
                    .join('\n')}
                </Code>
              )}
            </Card>
          )}
        </Stack>
      </SimpleGrid>
    </Stack>
  );
}
