import { Badge, Button, Card, Group, NumberInput, Select, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { raw } from '../api.js';
import { measurementsOf, nextSample, type Sample, type StepResult, stopReason } from '../lib/pipeline-test.js';
import { ApiError } from '../ui/api-error.js';
import { CodeBlock } from '../ui/json-block.js';

type Step = { worker: string; revision?: number; config?: Record<string, unknown> };

/** Runs the pipeline's steps one by one on a sample payload (POST /api/workers/{w}/test each). */
export function TestBench({ steps }: { steps: Step[] }) {
  const [payload, setPayload] = useState('');
  const [encoding, setEncoding] = useState<'text' | 'base64' | 'hex'>('text');
  const [fPort, setFPort] = useState<number | string>('');
  const [topic, setTopic] = useState('');
  const [results, setResults] = useState<StepResult[]>([]);
  const [stopped, setStopped] = useState<string>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const run = async () => {
    setBusy(true);
    setError(null);
    setStopped(undefined);
    const out: StepResult[] = [];
    try {
      let sample: Sample = {
        payload,
        encoding,
        ...(typeof fPort === 'number' && { fPort }),
        ...(topic && { topic }),
      };
      for (const step of steps) {
        const r = await raw<Omit<StepResult, 'worker'>>('POST', `/api/workers/${encodeURIComponent(step.worker)}/test`, {
          ...sample,
          ...(step.config && { config: step.config }),
          ...(step.revision && { revision: step.revision }),
        });
        const result = { worker: step.worker, ...r };
        out.push(result);
        setResults([...out]);
        const why = stopReason(result);
        if (why) {
          setStopped(why);
          break;
        }
        if (result.output) sample = nextSample(result.output);
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const measurements = measurementsOf(results);
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="sm">
        Test with a sample payload
      </Title>
      <Stack>
        <Textarea
          label="Sample payload"
          autosize
          minRows={3}
          value={payload}
          onChange={(e) => setPayload(e.currentTarget.value)}
        />
        <Group align="end" wrap="wrap">
          <Select
            label="Encoding"
            data={['text', 'base64', 'hex']}
            value={encoding}
            onChange={(v) => setEncoding((v ?? 'text') as typeof encoding)}
            allowDeselect={false}
          />
          <NumberInput label="fPort" min={0} max={255} value={fPort} onChange={setFPort} />
          <TextInput label="Topic" value={topic} onChange={(e) => setTopic(e.currentTarget.value)} />
          <Button onClick={run} loading={busy} disabled={steps.length === 0}>
            Run test
          </Button>
        </Group>
        <ApiError error={error} title="Test refused" />
        {results.map((r, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: steps are positional (the same worker may appear twice)
          <Card key={`${i}-${r.worker}`} withBorder data-testid="test-step">
            <Group gap="xs">
              <Text fw={600}>
                {i + 1}. {r.worker}
              </Text>
              <Badge color={r.errors.length ? 'red' : 'green'} variant="light">
                {r.errors.length ? 'failed' : 'ok'}
              </Badge>
            </Group>
            {r.errors.map((e) => (
              <Text key={e.code + e.message} c="red.9" size="sm">
                {e.code}: {e.message}
              </Text>
            ))}
            {r.logs.map((l, j) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: log lines may repeat; their order is their identity
              <Text key={`${j}-${l.message}`} size="xs" ff="monospace">
                [{l.level}] {l.message}
              </Text>
            ))}
            {r.output && (
              <CodeBlock label={`output of step ${i + 1}`} maxHeight={200}>
                {JSON.stringify(r.output, null, 2)}
              </CodeBlock>
            )}
          </Card>
        ))}
        {stopped && <Text size="sm">Stopped: {stopped}</Text>}
        {results.length > 0 && (
          <div data-testid="test-measurements">
            <Text fw={600}>Measurements that would be stored: {measurements.length}</Text>
            <CodeBlock label="measurements">{JSON.stringify(measurements, null, 2)}</CodeBlock>
          </div>
        )}
      </Stack>
    </Card>
  );
}
