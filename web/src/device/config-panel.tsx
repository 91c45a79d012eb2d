import { Card, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api.js';
import { ApiError } from '../ui/api-error.js';
import { SchemaForm } from '../ui/config-form.js';
import { Loading } from '../ui/loading.js';
import { usePatchDevice } from './use-device.js';

/** The device's config as a form generated from its type's JSON Schema. */
export function ConfigPanel({ id, typeId, config }: { id: string; typeId: string | null; config: Record<string, unknown> }) {
  const type = useQuery({
    queryKey: ['device-type', typeId],
    queryFn: () => api.get('/api/device-types/{id}', { path: { id: typeId ?? '' } }),
    enabled: !!typeId,
  });
  const patch = usePatchDevice(id);
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="sm">
        Config
      </Title>
      {!typeId && <Text c="dimmed">No device type: no schema.</Text>}
      {type.isPending && typeId && <Loading />}
      <ApiError error={type.error} />
      {type.data && (
        <SchemaForm
          key={JSON.stringify(config)}
          schema={type.data.configSchema}
          value={config}
          busy={patch.isPending}
          submitLabel="Save config"
          onSubmit={(value) => patch.mutate({ config: value })}
        />
      )}
      <ApiError error={patch.error} title="Config refused" />
      {patch.isSuccess && (
        <Text size="sm" role="status">
          Config saved.
        </Text>
      )}
    </Card>
  );
}
