import { Badge, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useParams } from 'react-router';
import { ActivityPanel } from '../device/activity-panel.js';
import { ConfigPanel } from '../device/config-panel.js';
import { IdentityPanel } from '../device/identity-panel.js';
import { LatestPanel } from '../device/latest-panel.js';
import { OrdersPanel } from '../device/orders-panel.js';
import { StatusPanel } from '../device/status-panel.js';
import { useDevice } from '../device/use-device.js';
import { isStale, relativeTime } from '../lib/fleet.js';
import { useNow } from '../lib/use-now.js';
import { ApiError } from '../ui/api-error.js';
import { stateColor } from '../ui/device-table.js';
import { Loading } from '../ui/loading.js';

export default function DevicePage() {
  const { id = '' } = useParams();
  const device = useDevice(id);
  const now = useNow();
  if (device.error) return <ApiError error={device.error} />;
  if (!device.data) return <Loading />;
  const d = device.data;
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Title order={2}>{d.code}</Title>
        <Group gap="xs">
          <Badge color={stateColor(d.state)} variant="light" data-testid="device-state">
            {d.state}
          </Badge>
          <Text size="sm" c={isStale(d, now) ? 'red.8' : 'dimmed'}>
            last seen {relativeTime(d.lastSeenAt, now)}
          </Text>
        </Group>
      </Group>
      {d.description && <Text>{d.description}</Text>}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <IdentityPanel device={d} />
        <ConfigPanel id={d.id} typeId={d.typeId} config={d.config} />
        <StatusPanel status={d.lastStatus} />
        <LatestPanel id={d.id} />
      </SimpleGrid>
      <OrdersPanel id={d.id} />
      <ActivityPanel id={d.id} />
    </Stack>
  );
}
