import { Anchor, Badge, Card, SimpleGrid, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../api.js';
import { ApiError } from '../ui/api-error.js';

export const traceColor = (s: string) =>
  s === 'stored' ? 'green' : s === 'failed' ? 'red' : s === 'skipped' ? 'gray' : 'yellow';

/** The device's alerts and its recent traces. */
export function ActivityPanel({ id }: { id: string }) {
  const alerts = useQuery({
    queryKey: ['alerts', 'device', id],
    queryFn: () => api.get('/api/alerts', { query: { subject: id, limit: 10 } }),
  });
  const traces = useQuery({
    queryKey: ['traces', 'device', id],
    queryFn: () => api.get('/api/traces', { query: { device: id, limit: 10 } }),
    refetchInterval: 10_000,
  });
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <Card withBorder>
        <Title order={3} size="h4" mb="sm">
          Alerts
        </Title>
        <ApiError error={alerts.error} />
        {alerts.data?.data.length === 0 && <Text c="dimmed">No alert.</Text>}
        {alerts.data?.data.map((a) => (
          <Text key={a.id} size="sm" component="div">
            <Badge variant="light" color={a.status === 'resolved' ? 'gray' : 'red'} mr="xs">
              {a.status}
            </Badge>
            {a.message}{' '}
            <Text span c="dimmed" size="xs">
              {new Date(a.openedAt).toLocaleString()}
            </Text>
          </Text>
        ))}
      </Card>
      <Card withBorder>
        <Title order={3} size="h4" mb="sm">
          Recent traces
        </Title>
        <ApiError error={traces.error} />
        {traces.data?.data.length === 0 && <Text c="dimmed">No trace.</Text>}
        <Table fz="sm">
          <Table.Tbody>
            {traces.data?.data.map((t) => (
              <Table.Tr key={t.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/traces?id=${t.id}`}>
                    {new Date(t.receivedAt).toLocaleTimeString()}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={traceColor(t.status)}>
                    {t.status}
                  </Badge>
                </Table.Td>
                <Table.Td>{t.error?.message ?? `${t.measurements} measurements`}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </SimpleGrid>
  );
}
