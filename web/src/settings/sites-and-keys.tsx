import { Button, Card, Code, Group, MultiSelect, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api.js';
import { all } from '../lib/queries.js';
import { ApiError } from '../ui/api-error.js';

export function Sites() {
  const client = useQueryClient();
  const sites = useQuery({ queryKey: ['sites'], queryFn: () => all(api.items('/api/sites', { query: { limit: 1000 } })) });
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => api.post('/api/sites', { body: { slug, name } }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['sites'] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="sm">
        Sites
      </Title>
      <Table fz="sm">
        <Table.Tbody>
          {sites.data?.map((s) => (
            <Table.Tr key={s.id}>
              <Table.Td>{s.name}</Table.Td>
              <Table.Td>{s.slug}</Table.Td>
              <Table.Td>{s.isDefault ? 'default' : ''}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <form onSubmit={submit} aria-label="New site">
        <Group align="end" mt="sm">
          <TextInput label="Site slug" value={slug} onChange={(e) => setSlug(e.currentTarget.value)} />
          <TextInput label="Site name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <Button type="submit" loading={create.isPending}>
            Add site
          </Button>
        </Group>
      </form>
      <ApiError error={sites.error ?? create.error} />
    </Card>
  );
}

export function ApiKeys({ org }: { org: string }) {
  const client = useQueryClient();
  const keys = useQuery({
    queryKey: ['api-keys', org],
    queryFn: () => api.get('/api/organisations/{org}/api-keys', { path: { org } }),
  });
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['measurements:read']);
  const [secret, setSecret] = useState<string>();
  const create = useMutation({
    mutationFn: () => api.post('/api/organisations/{org}/api-keys', { path: { org }, body: { name, scopes: scopes as never } }),
    onSuccess: (k) => {
      setSecret(k.secret);
      void client.invalidateQueries({ queryKey: ['api-keys', org] });
    },
  });
  const revoke = useMutation({
    mutationFn: (keyId: string) => api.delete('/api/organisations/{org}/api-keys/{keyId}', { path: { org, keyId } }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['api-keys', org] }),
  });
  const areas = ['admin', 'alerts', 'devices', 'measurements', 'pipelines', 'uplinks'];
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="sm">
        API keys
      </Title>
      <Table fz="sm">
        <Table.Tbody>
          {keys.data?.data.map((k) => (
            <Table.Tr key={k.id}>
              <Table.Td>{k.name}</Table.Td>
              <Table.Td>
                <Code>{k.prefix}…</Code>
              </Table.Td>
              <Table.Td>{k.scopes.join(', ')}</Table.Td>
              <Table.Td>
                {k.revokedAt ? (
                  'revoked'
                ) : (
                  <Button size="xs" variant="subtle" color="red" onClick={() => revoke.mutate(k.id)}>
                    Revoke
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group align="end" mt="sm" wrap="wrap">
        <TextInput label="Key name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <MultiSelect
          label="Scopes"
          data={areas.flatMap((a) => [`${a}:read`, `${a}:write`])}
          value={scopes}
          onChange={setScopes}
        />
        <Button onClick={() => create.mutate()} loading={create.isPending}>
          Create key
        </Button>
      </Group>
      {secret && (
        <Text size="sm" mt="sm">
          Secret (shown once, copy it now): <Code>{secret}</Code>
        </Text>
      )}
      <ApiError error={keys.error ?? create.error ?? revoke.error} />
    </Card>
  );
}
