import { Button, Card, Grid, Group, JsonInput, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useMemo, useState } from 'react';
import { api } from '../api.js';
import { parseConfigSchema } from '../lib/json-schema.js';
import { all } from '../lib/queries.js';
import { ApiError } from '../ui/api-error.js';
import { Loading } from '../ui/loading.js';

// The form preview pulls in rjsf and Ajv: only when a type is being edited.
const SchemaForm = lazy(() => import('../ui/config-form.js').then((m) => ({ default: m.SchemaForm })));
const CONNECTIVITY = ['mqtt', 'http', 'lorawan', 'none'];

/**
 * One type's config schema, checked as typed, with a preview of its form. Keyed by the type: the
 * text starts from the stored schema when a type is picked and is the user's from then on (a
 * refetch of the list does not undo the edit).
 */
function SchemaEditor({ type }: { type: { id: string; configSchema: unknown } }) {
  const client = useQueryClient();
  const [text, setText] = useState(() => JSON.stringify(type.configSchema, null, 2));
  const parsed = useMemo(() => (text.trim() ? parseConfigSchema(text) : undefined), [text]);
  const save = useMutation({
    mutationFn: (schema: Record<string, unknown>) =>
      api.patch('/api/device-types/{id}', { path: { id: type.id }, body: { configSchema: schema } }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['device-types'] }),
  });
  return (
    <>
      <Grid mt="md">
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Stack gap="xs">
            <JsonInput
              label="Config schema (JSON Schema 2020-12)"
              value={text}
              onChange={setText}
              autosize
              minRows={8}
              maxRows={24}
              formatOnBlur
              error={parsed && 'error' in parsed ? parsed.error : undefined}
            />
            <Group>
              <Button
                disabled={!parsed || 'error' in parsed}
                loading={save.isPending}
                onClick={() => parsed && 'schema' in parsed && save.mutate(parsed.schema)}
              >
                Save schema
              </Button>
              {save.isSuccess && !save.isPending && <Text size="sm">Schema saved.</Text>}
            </Group>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Text size="sm" fw={600}>
            Preview of the config form
          </Text>
          <div data-testid="schema-preview">
            {parsed && 'schema' in parsed ? (
              <Suspense fallback={<Loading />}>
                <SchemaForm
                  key={JSON.stringify(parsed.schema)}
                  schema={parsed.schema}
                  value={{}}
                  onSubmit={() => {}}
                  submitLabel="Check"
                />
              </Suspense>
            ) : (
              <Text size="sm" c="dimmed">
                Fix the schema to see its form.
              </Text>
            )}
          </div>
        </Grid.Col>
      </Grid>
      <ApiError error={save.error} />
    </>
  );
}

/** Device types: create one; edit a type's config JSON Schema, checked as typed, with a preview of its form. */
export function DeviceTypes() {
  const client = useQueryClient();
  const types = useQuery({
    queryKey: ['device-types'],
    queryFn: () => all(api.items('/api/device-types', { query: { limit: 1000 } })),
  });
  const [selected, setSelected] = useState<string | null>(null);
  const type = types.data?.find((t) => t.id === selected);
  const [name, setName] = useState('');
  const [connectivity, setConnectivity] = useState<string | null>('mqtt');
  const create = useMutation({
    mutationFn: () => api.post('/api/device-types', { body: { name, connectivity: (connectivity ?? 'mqtt') as 'mqtt' } }),
    onSuccess: (t) => {
      setName('');
      setSelected(t.id);
      void client.invalidateQueries({ queryKey: ['device-types'] });
    },
  });

  return (
    <Card withBorder data-testid="device-types">
      <Title order={3} size="h4" mb="sm">
        Device types
      </Title>
      <Group align="end" wrap="wrap">
        <Select
          label="Device type"
          data={(types.data ?? []).map((t) => ({ value: t.id, label: `${t.name} (${t.connectivity})` }))}
          value={selected}
          onChange={setSelected}
          searchable
        />
        <form
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
          aria-label="New device type"
        >
          <Group align="end">
            <TextInput label="New type name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
            <Select
              label="Connectivity"
              data={CONNECTIVITY}
              value={connectivity}
              onChange={setConnectivity}
              allowDeselect={false}
            />
            <Button type="submit" loading={create.isPending}>
              Add type
            </Button>
          </Group>
        </form>
      </Group>
      {type && <SchemaEditor key={type.id} type={type} />}
      <ApiError error={types.error ?? create.error} />
    </Card>
  );
}
