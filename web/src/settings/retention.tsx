import { Button, Card, Group, NumberInput, Select, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api.js';
import { all, useDevices } from '../lib/queries.js';
import { ApiError } from '../ui/api-error.js';

function SensorRetention({ sensor }: { sensor: { id: string; code: string; archiveDays: number | null } }) {
  const client = useQueryClient();
  const [days, setDays] = useState<number | string>(sensor.archiveDays ?? '');
  const save = useMutation({
    mutationFn: () =>
      api.patch('/api/sensors/{id}', { path: { id: sensor.id }, body: { archiveDays: days === '' ? null : Number(days) } }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['sensors'] }),
  });
  return (
    <Table.Tr data-sensor={sensor.code}>
      <Table.Td>{sensor.code}</Table.Td>
      <Table.Td>
        <NumberInput
          size="xs"
          aria-label={`Retention of ${sensor.code} in days`}
          placeholder="organisation's"
          min={1}
          value={days}
          onChange={setDays}
          maw={160}
        />
      </Table.Td>
      <Table.Td>
        <Group gap="xs">
          <Button size="xs" onClick={() => save.mutate()} loading={save.isPending}>
            Save
          </Button>
          {save.isSuccess && !save.isPending && <Text size="xs">Saved.</Text>}
        </Group>
        <ApiError error={save.error} />
      </Table.Td>
    </Table.Tr>
  );
}

/**
 * The organisation's default, shown once it has loaded: the field starts from the stored value and is the
 * user's from then on (a refetch does not overwrite what is being typed).
 */
function OrganisationDefault({ org, archiveDays }: { org: string; archiveDays: number }) {
  const client = useQueryClient();
  const [days, setDays] = useState<number | string>(archiveDays);
  const save = useMutation({
    mutationFn: () => api.patch('/api/organisations/{org}', { path: { org }, body: { archiveDays: Number(days) } }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['organisation', org] }),
  });
  return (
    <>
      <Group align="end">
        <NumberInput label="Organisation default (days)" min={1} value={days} onChange={setDays} maw={220} />
        <Button onClick={() => save.mutate()} loading={save.isPending}>
          Save default
        </Button>
        {save.isSuccess && !save.isPending && <Text size="sm">Saved.</Text>}
      </Group>
      <ApiError error={save.error} />
    </>
  );
}

/** How long raw measurements are kept: the organisation's default, and per sensor (empty: the default). */
export function Retention({ org }: { org: string }) {
  const organisation = useQuery({
    queryKey: ['organisation', org],
    queryFn: () => api.get('/api/organisations/{org}', { path: { org } }),
  });
  const devices = useDevices(60_000);
  const [device, setDevice] = useState<string | null>(null);
  const sensors = useQuery({
    queryKey: ['sensors', device],
    enabled: device !== null,
    queryFn: () => all(api.items('/api/devices/{id}/sensors', { path: { id: device ?? '' }, query: { limit: 1000 } })),
  });
  return (
    <Card withBorder data-testid="retention">
      <Title order={3} size="h4" mb="sm">
        Retention
      </Title>
      {organisation.data && <OrganisationDefault key={org} org={org} archiveDays={organisation.data.archiveDays} />}
      <Select
        mt="md"
        label="Sensors of device"
        searchable
        data={(devices.data ?? []).map((d) => ({ value: d.id, label: d.code }))}
        value={device}
        onChange={setDevice}
        maw={320}
        limit={50}
      />
      {sensors.data && (
        <Table fz="sm" mt="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Sensor</Table.Th>
              <Table.Th>Retention (days)</Table.Th>
              <Table.Th>Save</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sensors.data.map((s) => (
              <SensorRetention key={s.id} sensor={s} />
            ))}
          </Table.Tbody>
        </Table>
      )}
      {sensors.data?.length === 0 && (
        <Text size="sm" c="dimmed">
          This device has no sensors.
        </Text>
      )}
      <ApiError error={organisation.error ?? devices.error ?? sensors.error} />
    </Card>
  );
}
