import { Button, Card, Group, Select, Switch, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api.js';
import { all } from '../lib/queries.js';
import { ApiError } from '../ui/api-error.js';
import { usePatchDevice } from './use-device.js';

type Device = Awaited<ReturnType<typeof api.get<'/api/devices/{id}'>>>;

/** Identity, type, enabled, credentials reset and location (move it). */
export function IdentityPanel({ device }: { device: Device }) {
  const patch = usePatchDevice(device.id);
  const reset = useMutation({
    mutationFn: () => api.post('/api/devices/{id}/credentials/reset', { path: { id: device.id } }),
  });
  const places = useQuery({
    queryKey: ['places'],
    queryFn: async () => ({
      sites: await all(api.items('/api/sites', { query: { limit: 1000 } })),
      buildings: await all(api.items('/api/buildings', { query: { limit: 1000 } })),
      rooms: await all(api.items('/api/rooms', { query: { limit: 1000 } })),
    }),
  });
  const [site, setSite] = useState<string | null>(device.locationIds.site);
  const [building, setBuilding] = useState<string | null>(device.locationIds.building);
  const [room, setRoom] = useState<string | null>(device.locationIds.room);
  const p = places.data;
  const row = (label: string, value: string | null | undefined) => (
    <Table.Tr>
      <Table.Th w={140}>{label}</Table.Th>
      <Table.Td>{value ?? '—'}</Table.Td>
    </Table.Tr>
  );
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="sm">
        Identity
      </Title>
      <Table fz="sm">
        <Table.Tbody>
          {row('Code', device.code)}
          {row('Identity', device.identity ? `${device.identity.kind}: ${device.identity.value}` : null)}
          {row('Type', device.type)}
          {row('Connectivity', device.connectivity)}
          {row('Base topic', device.baseTopic)}
          {row('MQTT login', device.mqtt?.login)}
        </Table.Tbody>
      </Table>
      <Switch
        mt="sm"
        label="Enabled"
        checked={device.enabled}
        onChange={(e) => patch.mutate({ enabled: e.currentTarget.checked })}
      />
      <Group mt="sm" align="end" wrap="wrap">
        <Select
          label="Site"
          data={p?.sites.map((s) => ({ value: s.id, label: s.name })) ?? []}
          value={site}
          onChange={(v) => {
            setSite(v);
            setBuilding(null);
            setRoom(null);
          }}
        />
        <Select
          label="Building"
          clearable
          data={p?.buildings.filter((b) => b.siteId === site).map((b) => ({ value: b.id, label: b.name })) ?? []}
          value={building}
          onChange={(v) => {
            setBuilding(v);
            setRoom(null);
          }}
        />
        <Select
          label="Room"
          clearable
          data={p?.rooms.filter((r) => r.buildingId === building).map((r) => ({ value: r.id, label: r.name })) ?? []}
          value={room}
          onChange={setRoom}
        />
        <Button
          variant="default"
          onClick={() =>
            patch.mutate({ location: { ...(site && { site }), ...(building && { building }), ...(room && { room }) } })
          }
        >
          Move
        </Button>
      </Group>
      <ApiError error={patch.error} />
      <ApiError error={places.error} />
      {device.connectivity === 'mqtt' && (
        <Group mt="sm">
          <Button color="red" variant="light" loading={reset.isPending} onClick={() => reset.mutate()}>
            Reset MQTT credentials
          </Button>
          {reset.isSuccess && (
            <Text size="sm" role="status">
              Reset: the old password fails now; the device gets a new one at its next /device/credentials call.
            </Text>
          )}
        </Group>
      )}
      <ApiError error={reset.error} />
    </Card>
  );
}
