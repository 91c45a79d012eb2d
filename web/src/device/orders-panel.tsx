import { Button, Card, Group, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api.js';
import { ApiError } from '../ui/api-error.js';

/** Orders to the device (module, order, value, dest) and their history. */
export function OrdersPanel({ id }: { id: string }) {
  const client = useQueryClient();
  const [form, setForm] = useState({ module: '', order: '', value: '', dest: '' });
  const history = useQuery({
    queryKey: ['commands', id],
    queryFn: () => api.get('/api/devices/{id}/commands', { path: { id }, query: { limit: 20 } }),
    refetchInterval: 10_000,
  });
  const send = useMutation({
    mutationFn: () => {
      let value: unknown = form.value;
      if (form.value === '') value = undefined;
      else {
        try {
          value = JSON.parse(form.value);
        } catch {
          // Not JSON: sent as the text typed.
        }
      }
      return api.post('/api/devices/{id}/commands', {
        path: { id },
        body: {
          order: form.order,
          ...(form.module && { module: form.module }),
          ...(value !== undefined && { value }),
          ...(form.dest && { dest: form.dest }),
        },
      });
    },
    onSuccess: () => void client.invalidateQueries({ queryKey: ['commands', id] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send.mutate();
  };
  const field = (name: keyof typeof form, label: string, placeholder: string) => (
    <TextInput
      label={label}
      placeholder={placeholder}
      value={form[name]}
      onChange={(e) => setForm({ ...form, [name]: e.currentTarget.value })}
      required={name === 'order'}
    />
  );
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="sm">
        Orders
      </Title>
      <form onSubmit={submit} aria-label="Send an order">
        <Group align="end" wrap="wrap">
          {field('module', 'Module', 'device')}
          {field('order', 'Order', 'frequency, reboot, status…')}
          {field('value', 'Value', '60 or JSON')}
          {field('dest', 'Dest', 'all or unitID')}
          <Button type="submit" loading={send.isPending}>
            Send
          </Button>
        </Group>
      </form>
      <ApiError error={send.error} title="Order refused" />
      <ApiError error={history.error} />
      <Table mt="sm" fz="sm" data-testid="order-history">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Sent</Table.Th>
            <Table.Th>Topic</Table.Th>
            <Table.Th>Payload</Table.Th>
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {history.data?.data.map((c) => (
            <Table.Tr key={c.id}>
              <Table.Td>{new Date(c.sentAt).toLocaleString()}</Table.Td>
              <Table.Td>
                <Text fz="xs" ff="monospace">
                  {c.topic}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text fz="xs" ff="monospace">
                  {c.payload}
                </Text>
              </Table.Td>
              <Table.Td>{c.error ? `${c.status}: ${c.error}` : c.status}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}
