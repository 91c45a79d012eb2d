import { Anchor, Card, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../api.js';
import { relativeTime } from '../lib/fleet.js';
import { useNow } from '../lib/use-now.js';
import { ApiError } from '../ui/api-error.js';
import { Sparkline } from '../ui/sparkline.js';

/** Sensors' datastreams with their latest value and a sparkline of the last hours. */
export function LatestPanel({ id }: { id: string }) {
  const now = useNow();
  const latest = useQuery({ queryKey: ['latest', id], queryFn: () => api.deviceLatest(id), refetchInterval: 5_000 });
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="sm">
        Sensors and datastreams
      </Title>
      <ApiError error={latest.error} />
      {latest.data?.length === 0 && <Text c="dimmed">No datastream yet.</Text>}
      {!!latest.data?.length && (
        <Table fz="sm" data-testid="latest-values">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Sensor</Table.Th>
              <Table.Th>Property</Table.Th>
              <Table.Th>Latest</Table.Th>
              <Table.Th>Last 6 h</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {latest.data.map((l) => (
              <Table.Tr key={l.datastream}>
                <Table.Td>{l.sensor}</Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/explore?ds=${l.datastream}`}>
                    {l.observedProperty}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  {l.value === null ? '—' : `${l.value} ${l.unit}`}
                  <Text fz="xs" c="dimmed">
                    {relativeTime(l.time, now)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Sparkline datastream={l.datastream} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}
