import { ActionIcon, Button, Card, Group, Select, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api.js';
import { all, useSites } from '../lib/queries.js';
import { ApiError } from '../ui/api-error.js';

/** Renames a place in place: a text field and Save, or the name as text. */
function EditableName(props: { name: string; label: string; onSave: (name: string) => void }) {
  const [editing, setEditing] = useState<string>();
  if (editing === undefined)
    return (
      <Group gap="xs" wrap="nowrap">
        <Text size="sm">{props.name}</Text>
        <ActionIcon variant="subtle" size="sm" aria-label={`Rename ${props.label}`} onClick={() => setEditing(props.name)}>
          ✎
        </ActionIcon>
      </Group>
    );
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        props.onSave(editing);
        setEditing(undefined);
      }}
    >
      <Group gap="xs" wrap="nowrap">
        <TextInput
          size="xs"
          aria-label={`New name of ${props.label}`}
          value={editing}
          onChange={(e) => setEditing(e.currentTarget.value)}
        />
        <Button size="xs" type="submit">
          Save
        </Button>
      </Group>
    </form>
  );
}

/** Buildings and rooms of a site: list, add, rename, delete. */
export function Locations() {
  const client = useQueryClient();
  const sites = useSites();
  const [site, setSite] = useState<string | null>(null);
  const siteId = site ?? sites.data?.find((s) => s.isDefault)?.id ?? sites.data?.[0]?.id ?? null;
  const buildings = useQuery({
    queryKey: ['buildings', siteId],
    enabled: siteId !== null,
    queryFn: () => all(api.items('/api/buildings', { query: { site: siteId ?? undefined, limit: 1000 } })),
  });
  const rooms = useQuery({
    queryKey: ['rooms', siteId],
    enabled: siteId !== null,
    queryFn: () => all(api.items('/api/rooms', { query: { site: siteId ?? undefined, limit: 1000 } })),
  });
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ['buildings'] });
    void client.invalidateQueries({ queryKey: ['rooms'] });
    void client.invalidateQueries({ queryKey: ['site-summary'] });
  };
  const [bSlug, setBSlug] = useState('');
  const [bName, setBName] = useState('');
  const [rBuilding, setRBuilding] = useState<string | null>(null);
  const [rSlug, setRSlug] = useState('');
  const [rName, setRName] = useState('');

  const addBuilding = useMutation({
    mutationFn: () => api.post('/api/buildings', { body: { site: siteId ?? undefined, slug: bSlug, name: bName } }),
    onSuccess: () => {
      setBSlug('');
      setBName('');
      refresh();
    },
  });
  const addRoom = useMutation({
    mutationFn: () =>
      api.post('/api/rooms', { body: { site: siteId ?? undefined, building: rBuilding ?? '', slug: rSlug, name: rName } }),
    onSuccess: () => {
      setRSlug('');
      setRName('');
      refresh();
    },
  });
  const rename = useMutation({
    mutationFn: (v: { kind: 'building' | 'room'; id: string; name: string }) =>
      v.kind === 'building'
        ? api.patch('/api/buildings/{id}', { path: { id: v.id }, body: { name: v.name } })
        : api.patch('/api/rooms/{id}', { path: { id: v.id }, body: { name: v.name } }),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (v: { kind: 'building' | 'room'; id: string }) =>
      v.kind === 'building'
        ? api.delete('/api/buildings/{id}', { path: { id: v.id } })
        : api.delete('/api/rooms/{id}', { path: { id: v.id } }),
    onSuccess: refresh,
  });
  const submit = (m: { mutate: () => void }) => (e: FormEvent) => {
    e.preventDefault();
    m.mutate();
  };

  return (
    <Card withBorder data-testid="locations">
      <Title order={3} size="h4" mb="sm">
        Buildings and rooms
      </Title>
      <Select
        label="Site"
        data={(sites.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
        value={siteId}
        onChange={setSite}
        allowDeselect={false}
        maw={320}
      />
      <Table fz="sm" mt="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Building</Table.Th>
            <Table.Th>Rooms</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {buildings.data?.map((b) => (
            <Table.Tr key={b.id} data-building-row={b.slug}>
              <Table.Td>
                <EditableName
                  name={b.name}
                  label={`building ${b.slug}`}
                  onSave={(name) => rename.mutate({ kind: 'building', id: b.id, name })}
                />
                <Text size="xs" c="dimmed">
                  {b.slug}
                </Text>
              </Table.Td>
              <Table.Td>
                {rooms.data
                  ?.filter((r) => r.buildingId === b.id)
                  .map((r) => (
                    <Group key={r.id} gap="xs" wrap="nowrap" data-room-row={r.slug}>
                      <EditableName
                        name={r.name}
                        label={`room ${r.slug}`}
                        onSave={(name) => rename.mutate({ kind: 'room', id: r.id, name })}
                      />
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        color="red"
                        aria-label={`Delete room ${r.slug}`}
                        onClick={() => remove.mutate({ kind: 'room', id: r.id })}
                      >
                        Delete
                      </Button>
                    </Group>
                  ))}
              </Table.Td>
              <Table.Td>
                <Button
                  size="xs"
                  variant="subtle"
                  color="red"
                  aria-label={`Delete building ${b.slug}`}
                  onClick={() => remove.mutate({ kind: 'building', id: b.id })}
                >
                  Delete
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <form onSubmit={submit(addBuilding)} aria-label="New building">
        <Group align="end" mt="sm" wrap="wrap">
          <TextInput label="Building slug" value={bSlug} onChange={(e) => setBSlug(e.currentTarget.value)} />
          <TextInput label="Building name" value={bName} onChange={(e) => setBName(e.currentTarget.value)} />
          <Button type="submit" loading={addBuilding.isPending}>
            Add building
          </Button>
        </Group>
      </form>
      <form onSubmit={submit(addRoom)} aria-label="New room">
        <Group align="end" mt="sm" wrap="wrap">
          <Select
            label="In building"
            data={(buildings.data ?? []).map((b) => ({ value: b.id, label: b.name }))}
            value={rBuilding}
            onChange={setRBuilding}
          />
          <TextInput label="Room slug" value={rSlug} onChange={(e) => setRSlug(e.currentTarget.value)} />
          <TextInput label="Room name" value={rName} onChange={(e) => setRName(e.currentTarget.value)} />
          <Button type="submit" loading={addRoom.isPending}>
            Add room
          </Button>
        </Group>
      </form>
      <ApiError
        error={
          sites.error ?? buildings.error ?? rooms.error ?? addBuilding.error ?? addRoom.error ?? rename.error ?? remove.error
        }
      />
    </Card>
  );
}
