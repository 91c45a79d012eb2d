import {
  Badge,
  Button,
  Card,
  Group,
  Modal,
  Progress,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api.js';
import { alertStats, type StatsResponse } from '../lib/alert-stats.js';
import { ApiError } from '../ui/api-error.js';
import { TimeChart } from '../ui/chart.js';
import { Loading } from '../ui/loading.js';

const STATUSES = { open: 'firing,acknowledged', firing: 'firing', acknowledged: 'acknowledged', resolved: 'resolved' } as const;

function Distribution({ title, rows }: { title: string; rows: [string, number][] }) {
  const max = Math.max(1, ...rows.map(([, n]) => n));
  return (
    <Card withBorder>
      <Text fw={600} mb="xs">
        {title}
      </Text>
      {rows.slice(0, 8).map(([k, n]) => (
        <div key={k}>
          <Group justify="space-between">
            <Text size="sm">{k}</Text>
            <Text size="sm">{n}</Text>
          </Group>
          <Progress value={(n / max) * 100} size="sm" mb={6} aria-label={`${k}: ${n}`} />
        </div>
      ))}
      {rows.length === 0 && <Text c="dimmed">No alert.</Text>}
    </Card>
  );
}

export default function AlertsPage() {
  const client = useQueryClient();
  const [status, setStatus] = useState<keyof typeof STATUSES>('open');
  const [open, setOpen] = useState<string | null>(null);
  const list = useQuery({
    // Not ['alerts', 'open']: the fleet view caches an array of open alerts under that key.
    queryKey: ['alerts', 'list', status],
    queryFn: () => api.get('/api/alerts', { query: { status: STATUSES[status], limit: 200 } }),
    refetchInterval: 10_000,
  });
  // Charts: alerts opened per day over 30 days, and their distribution (GET /api/alerts/stats).
  const stats = useQuery({
    queryKey: ['alerts', 'stats'],
    queryFn: async () => {
      const toS = Math.ceil(Date.now() / 1000);
      const fromS = toS - 30 * 86400;
      const query = { interval: '1d', from: new Date(fromS * 1000).toISOString(), to: new Date(toS * 1000).toISOString() };
      const [kind, site, type] = await Promise.all(
        (['kind', 'site', 'deviceType'] as const).map((by) => api.get('/api/alerts/stats', { query: { ...query, by } })),
      );
      return alertStats(kind as StatsResponse, site as StatsResponse, type as StatsResponse, { fromS, toS, stepS: 86400 });
    },
    refetchInterval: 60_000,
  });
  const [acking, setAcking] = useState<{ id: string; subject: string }>();
  const [comment, setComment] = useState('');
  const ack = useMutation({
    mutationFn: (v: { id: string; comment: string }) =>
      api.post('/api/alerts/{id}/acknowledge', { path: { id: v.id }, body: v.comment.trim() ? { comment: v.comment } : {} }),
    onSuccess: () => {
      setAcking(undefined);
      setComment('');
      void client.invalidateQueries({ queryKey: ['alerts'] });
    },
  });

  return (
    <Stack>
      <Title order={2}>Alerts</Title>
      <SegmentedControl
        aria-label="Status"
        data={Object.keys(STATUSES)}
        value={status}
        onChange={(v) => setStatus(v as typeof status)}
      />
      <ApiError error={list.error} />
      <Modal
        opened={acking !== undefined}
        onClose={() => setAcking(undefined)}
        closeButtonProps={{ 'aria-label': 'Close' }}
        title={`Acknowledge: ${acking?.subject ?? ''}`}
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (acking) ack.mutate({ id: acking.id, comment });
          }}
        >
          <Stack>
            <Textarea
              label="Comment"
              description="what is being done about it (optional)"
              value={comment}
              onChange={(e) => setComment(e.currentTarget.value)}
              maxLength={2000}
              autosize
              minRows={2}
              data-autofocus
            />
            <ApiError error={ack.error} />
            <Button type="submit" loading={ack.isPending}>
              Acknowledge
            </Button>
          </Stack>
        </form>
      </Modal>
      {!list.data ? (
        <Loading />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table fz="sm" data-testid="alerts">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Opened</Table.Th>
                <Table.Th>Severity</Table.Th>
                <Table.Th>Subject</Table.Th>
                <Table.Th>Message</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.data.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={6}>No alert.</Table.Td>
                </Table.Tr>
              )}
              {list.data.data.map((a) => (
                <Table.Tr
                  key={a.id}
                  data-alert={a.subject.name ?? a.subject.id}
                  onClick={() => setOpen(open === a.id ? null : a.id)}
                >
                  <Table.Td>{new Date(a.openedAt).toLocaleString()}</Table.Td>
                  <Table.Td>
                    <Badge
                      variant="light"
                      color={a.severity === 'critical' ? 'red' : a.severity === 'warning' ? 'orange' : 'gray'}
                    >
                      {a.severity}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{a.subject.name ?? a.subject.id}</Table.Td>
                  <Table.Td>
                    {a.message}
                    {open === a.id && (
                      <Text size="xs" c="dimmed">
                        opened {new Date(a.openedAt).toLocaleString()}
                        {a.acknowledgedAt &&
                          ` · acknowledged ${new Date(a.acknowledgedAt).toLocaleString()} by ${a.acknowledgedBy}`}
                        {a.acknowledgedComment && `: “${a.acknowledgedComment}”`}
                        {a.resolvedAt && ` · resolved ${new Date(a.resolvedAt).toLocaleString()}`}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{a.status}</Table.Td>
                  <Table.Td>
                    {a.status === 'firing' && (
                      <Button
                        size="xs"
                        variant="default"
                        onClick={(e) => {
                          e.stopPropagation();
                          setAcking({ id: a.id, subject: a.subject.name ?? a.subject.id });
                        }}
                      >
                        Acknowledge
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Title order={3} size="h4">
        Last 30 days
      </Title>
      <ApiError error={stats.error} />
      {stats.data ? (
        <div data-testid="alert-stats">
          <TimeChart data={stats.data.perDay} series={[{ label: 'alerts opened per day', unit: 'alerts' }]} height={200} />
          {stats.data.truncated && (
            <Text size="sm" c="dimmed">
              Counted from the first 200,000 alerts only.
            </Text>
          )}
          <SimpleGrid cols={{ base: 1, md: 3 }} mt="sm">
            <Distribution title="By kind" rows={stats.data.byKind} />
            <Distribution title="By site" rows={stats.data.bySite} />
            <Distribution title="By device type" rows={stats.data.byType} />
          </SimpleGrid>
        </div>
      ) : (
        !stats.error && <Loading />
      )}
    </Stack>
  );
}
