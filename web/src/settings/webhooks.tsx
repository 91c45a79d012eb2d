import { Badge, Button, Card, Group, MultiSelect, Switch, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api.js';
import { all } from '../lib/queries.js';
import { ApiError } from '../ui/api-error.js';

const EVENTS = ['alert.opened', 'alert.acknowledged', 'alert.resolved', 'alert.repeated'] as const;
type AlertEvent = (typeof EVENTS)[number];

function Deliveries({ id }: { id: string }) {
  const deliveries = useQuery({
    queryKey: ['webhook-deliveries', id],
    queryFn: () => api.get('/api/webhooks/{id}/deliveries', { path: { id }, query: { limit: 20 } }),
    refetchInterval: 10_000,
  });
  if (deliveries.error) return <ApiError error={deliveries.error} />;
  const list = deliveries.data?.data ?? [];
  if (list.length === 0)
    return (
      <Text size="xs" c="dimmed">
        No deliveries yet.
      </Text>
    );
  return (
    <Table fz="xs" data-testid="deliveries">
      <Table.Tbody>
        {list.map((d) => (
          <Table.Tr key={d.id}>
            <Table.Td>{new Date(d.createdAt).toLocaleString()}</Table.Td>
            <Table.Td>{d.event}</Table.Td>
            <Table.Td>
              <Badge
                size="xs"
                variant="light"
                color={d.status === 'delivered' ? 'green' : d.status === 'failed' ? 'red' : 'gray'}
              >
                {d.status}
              </Badge>
            </Table.Td>
            <Table.Td>
              {d.attempts} attempt(s){d.lastStatus ? `, HTTP ${d.lastStatus}` : ''}
              {d.lastError ? `: ${d.lastError}` : ''}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Webhooks that receive alert events: create, enable/disable, delete, and their recent deliveries. */
export function Webhooks() {
  const client = useQueryClient();
  const hooks = useQuery({ queryKey: ['webhooks'], queryFn: () => all(api.items('/api/webhooks', { query: { limit: 1000 } })) });
  const refresh = () => void client.invalidateQueries({ queryKey: ['webhooks'] });
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>([]);
  const [open, setOpen] = useState<string>();
  const create = useMutation({
    mutationFn: () => api.post('/api/webhooks', { body: { name, url, events: events as AlertEvent[] } }),
    onSuccess: () => {
      setName('');
      setUrl('');
      refresh();
    },
  });
  const toggle = useMutation({
    mutationFn: (v: { id: string; enabled: boolean }) =>
      api.patch('/api/webhooks/{id}', { path: { id: v.id }, body: { enabled: v.enabled } }),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete('/api/webhooks/{id}', { path: { id } }),
    onSuccess: refresh,
  });
  const [tested, setTested] = useState<{ name: string; delivered: boolean; detail: string }>();
  const test = useMutation({
    mutationFn: async (h: { id: string; name: string }) => {
      const r = await api.post('/api/webhooks/{id}/test', { path: { id: h.id } });
      return { name: h.name, delivered: r.delivered, detail: r.error ?? `HTTP ${r.status}` };
    },
    onSuccess: setTested,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Card withBorder data-testid="webhooks">
      <Title order={3} size="h4" mb="sm">
        Webhooks
      </Title>
      <Table fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>URL</Table.Th>
            <Table.Th>Events</Table.Th>
            <Table.Th>Enabled</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {hooks.data?.flatMap((h) => [
            <Table.Tr key={h.id} data-webhook={h.name}>
              <Table.Td>{h.name}</Table.Td>
              <Table.Td style={{ wordBreak: 'break-all' }}>{h.url}</Table.Td>
              <Table.Td>{h.events.length ? h.events.join(', ') : 'all'}</Table.Td>
              <Table.Td>
                <Switch
                  checked={h.enabled}
                  aria-label={`${h.name} enabled`}
                  onChange={(e) => toggle.mutate({ id: h.id, enabled: e.currentTarget.checked })}
                />
              </Table.Td>
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
                  <Button size="xs" variant="subtle" onClick={() => setOpen(open === h.id ? undefined : h.id)}>
                    Deliveries
                  </Button>
                  <Button
                    size="xs"
                    variant="subtle"
                    loading={test.isPending && test.variables?.id === h.id}
                    onClick={() => test.mutate({ id: h.id, name: h.name })}
                  >
                    Test
                  </Button>
                  <Button size="xs" variant="subtle" color="red" onClick={() => remove.mutate(h.id)}>
                    Delete
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>,
            open === h.id && (
              <Table.Tr key={`${h.id}-deliveries`}>
                <Table.Td colSpan={5}>
                  <Deliveries id={h.id} />
                </Table.Td>
              </Table.Tr>
            ),
          ])}
        </Table.Tbody>
      </Table>
      <form onSubmit={submit} aria-label="New webhook">
        <Group align="end" mt="sm" wrap="wrap">
          <TextInput label="Webhook name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <TextInput label="URL" placeholder="https://…" value={url} onChange={(e) => setUrl(e.currentTarget.value)} miw={280} />
          <MultiSelect label="Events (none: all)" data={[...EVENTS]} value={events} onChange={setEvents} />
          <Button type="submit" loading={create.isPending}>
            Add webhook
          </Button>
        </Group>
      </form>
      {tested && (
        <Text size="sm" mt="xs" role="status" c={tested.delivered ? 'green' : 'red'}>
          Test send to {tested.name}: {tested.delivered ? `delivered (${tested.detail})` : `not delivered: ${tested.detail}`}
        </Text>
      )}
      <Text size="xs" c="dimmed" mt="xs">
        Test sends one <code>test</code> event now; alert events go through the outbox with retries (see Deliveries).
      </Text>
      <ApiError error={hooks.error ?? create.error ?? toggle.error ?? remove.error ?? test.error} />
    </Card>
  );
}
