import { Button, Card, Code, Group, Select, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api.js';
import { ApiError } from '../ui/api-error.js';

const ROLES = ['admin', 'editor', 'viewer'] as const;
type Role = (typeof ROLES)[number];

/** Members of the organisation and their roles (changed in place); invitations (the token shown once); remove, revoke. */
export function Users({ org, me }: { org: string; me: string }) {
  const client = useQueryClient();
  const members = useQuery({
    queryKey: ['members', org],
    queryFn: () => api.get('/api/organisations/{org}/users', { path: { org }, query: { limit: 1000 } }),
  });
  const invitations = useQuery({
    queryKey: ['invitations', org],
    queryFn: () => api.get('/api/organisations/{org}/invitations', { path: { org }, query: { limit: 1000 } }),
  });
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ['members', org] });
    void client.invalidateQueries({ queryKey: ['invitations', org] });
  };
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [link, setLink] = useState<string>();
  const invite = useMutation({
    mutationFn: () =>
      api.post('/api/organisations/{org}/invitations', {
        path: { org },
        body: { role, ...(username && { username }), ...(email && { email }) },
      }),
    onSuccess: (inv) => {
      setLink(`${window.location.origin}/invitations/${encodeURIComponent(inv.token)}`);
      setUsername('');
      setEmail('');
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (userId: string) => api.delete('/api/organisations/{org}/users/{userId}', { path: { org, userId } }),
    onSuccess: refresh,
  });
  const changeRole = useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Role }) =>
      api.patch('/api/organisations/{org}/users/{userId}', { path: { org, userId }, body: { role } }),
    onSuccess: (_member, { userId }) => {
      refresh();
      // Your own role changed: what you may do changed with it.
      if (userId === me) void client.invalidateQueries({ queryKey: ['me'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (invitationId: string) =>
      api.delete('/api/organisations/{org}/invitations/{invitationId}', { path: { org, invitationId } }),
    onSuccess: refresh,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    invite.mutate();
  };
  const pending = invitations.data?.data.filter((i) => !i.acceptedAt && !i.revokedAt) ?? [];

  return (
    <Card withBorder data-testid="users">
      <Title order={3} size="h4" mb="sm">
        Users and roles
      </Title>
      <Table fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>User</Table.Th>
            <Table.Th>E-mail</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Since</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {members.data?.data.map((m) => (
            <Table.Tr key={m.id} data-member={m.username}>
              <Table.Td>{m.username}</Table.Td>
              <Table.Td>{m.email ?? '—'}</Table.Td>
              <Table.Td>
                <Select
                  size="xs"
                  w={110}
                  aria-label={`Role of ${m.username}`}
                  data={[...ROLES]}
                  value={m.role}
                  onChange={(v) => v && v !== m.role && changeRole.mutate({ userId: m.id, role: v as Role })}
                  allowDeselect={false}
                  disabled={changeRole.isPending}
                />
              </Table.Td>
              <Table.Td>{new Date(m.createdAt).toLocaleDateString()}</Table.Td>
              <Table.Td>
                {m.id !== me && (
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    aria-label={`Remove ${m.username}`}
                    onClick={() => remove.mutate(m.id)}
                  >
                    Remove
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed" mt="xs">
        An organisation keeps at least one admin: make someone else admin before changing or removing the last one.
      </Text>
      <form onSubmit={submit} aria-label="Invite someone">
        <Group align="end" mt="sm" wrap="wrap">
          <TextInput
            label="Username (optional)"
            description="only this account may accept"
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
          />
          <TextInput label="E-mail (optional)" type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
          <Select label="Role" data={[...ROLES]} value={role} onChange={(v) => v && setRole(v as Role)} allowDeselect={false} />
          <Button type="submit" loading={invite.isPending}>
            Invite
          </Button>
        </Group>
      </form>
      {link && (
        <Text size="sm" mt="sm">
          Invitation link (shown once; send it to the person): <Code data-testid="invitation-link">{link}</Code>
        </Text>
      )}
      {pending.length > 0 && (
        <Table fz="sm" mt="sm" data-testid="invitations">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Invitation for</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {pending.map((i) => (
              <Table.Tr key={i.id}>
                <Table.Td>{i.username ?? i.email ?? 'anyone with the link'}</Table.Td>
                <Table.Td>{i.role}</Table.Td>
                <Table.Td>{new Date(i.expiresAt).toLocaleDateString()}</Table.Td>
                <Table.Td>
                  <Button size="xs" variant="subtle" color="red" onClick={() => revoke.mutate(i.id)}>
                    Revoke
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <ApiError error={members.error ?? invitations.error ?? invite.error ?? changeRole.error ?? remove.error ?? revoke.error} />
    </Card>
  );
}
