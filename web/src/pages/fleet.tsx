import { Badge, Card, Group, Select, SimpleGrid, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api } from '../api.js';
import { activityByBuilding, filterDevices, relativeTime, type Sort, sortDevices } from '../lib/fleet.js';
import { useLiveFleet } from '../lib/live-fleet.js';
import { useDevices, useOpenAlerts, useSites } from '../lib/queries.js';
import { useNow } from '../lib/use-now.js';
import { ApiError } from '../ui/api-error.js';
import { DeviceTable } from '../ui/device-table.js';
import { Loading } from '../ui/loading.js';

const ALL = '__all';
const uniq = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => !!x))].sort();

export default function FleetPage() {
  const sites = useSites();
  const live = useLiveFleet();
  // Live: the stream patches the list; the poll is only a slow safety net.
  const devices = useDevices(live ? 60_000 : 5_000);
  const alerts = useOpenAlerts();
  const now = useNow();
  const [site, setSite] = useState<string>(ALL);
  const [building, setBuilding] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const [type, setType] = useState<string | null>(null);
  const [state, setState] = useState<string | null>(null);
  const [connectivity, setConnectivity] = useState<string | null>(null);
  const [sort, setSort] = useState<Sort>({ key: 'code', desc: false });

  const summary = useQuery({
    queryKey: ['site-summary', site],
    queryFn: () => api.get('/api/sites/{id}/summary', { path: { id: site } }),
    enabled: site !== ALL,
    // Live: the stream refetches it when a state moves.
    refetchInterval: live ? 60_000 : 10_000,
  });

  const list = devices.data ?? [];
  const shown = useMemo(
    () =>
      sortDevices(
        filterDevices(list, { q, type, state, connectivity, siteId: site === ALL ? null : site, buildingId: building }),
        sort,
      ),
    [list, q, type, state, connectivity, site, building, sort],
  );
  const activity = useMemo(() => activityByBuilding(list), [list]);
  const alertsByBuilding = useMemo(() => {
    const buildingOf = new Map(list.map((d) => [d.id, d.locationIds.building]));
    const counts = new Map<string, number>();
    for (const a of alerts.data ?? []) {
      const b = buildingOf.get(a.subject.id);
      if (b) counts.set(b, (counts.get(b) ?? 0) + 1);
    }
    return counts;
  }, [list, alerts.data]);

  if (sites.error || devices.error) return <ApiError error={sites.error ?? devices.error} />;
  if (!sites.data || !devices.data) return <Loading />;

  const body = (
    <Stack>
      {summary.error && <ApiError error={summary.error} />}
      {summary.data && (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} data-testid="building-cards">
          {summary.data.buildings.map((b) => {
            const a = activity.get(b.id);
            const selected = building === b.id;
            return (
              <Card
                key={b.id}
                data-building={b.slug}
                withBorder
                component="button"
                type="button"
                onClick={() => setBuilding(selected ? null : b.id)}
                aria-pressed={selected}
                style={{
                  textAlign: 'left',
                  cursor: 'pointer',
                  outline: selected ? '2px solid var(--mantine-primary-color-filled)' : undefined,
                }}
              >
                <Text fw={600}>{b.name}</Text>
                <Group gap="xs" mt="xs">
                  <Badge color="green" variant="light">
                    {b.counts.online} online
                  </Badge>
                  <Badge color="red" variant="light" data-count="offline">
                    {b.counts.offline} offline
                  </Badge>
                  <Badge color="gray" variant="light">
                    {b.counts.unknown} never seen
                  </Badge>
                  <Badge color="orange" variant="light">
                    {alertsByBuilding.get(b.id) ?? 0} open alerts
                  </Badge>
                </Group>
                <Text size="xs" c="dimmed" mt="xs">
                  {b.rooms.length} rooms · last activity {relativeTime(a?.lastActivity ?? null, now)}
                </Text>
              </Card>
            );
          })}
        </SimpleGrid>
      )}
      <Group align="end" wrap="wrap">
        <TextInput
          label="Search"
          placeholder="code, description, place"
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
        />
        <Select label="Type" clearable data={uniq(list.map((d) => d.type))} value={type} onChange={setType} />
        <Select label="State" clearable data={uniq(list.map((d) => d.state))} value={state} onChange={setState} />
        <Select
          label="Connectivity"
          clearable
          data={uniq(list.map((d) => d.connectivity))}
          value={connectivity}
          onChange={setConnectivity}
        />
        <Text size="sm" c="dimmed" aria-live="polite" data-testid="device-count">
          {shown.length} of {list.length} devices
        </Text>
      </Group>
      <DeviceTable devices={shown} sort={sort} onSort={setSort} now={now} />
    </Stack>
  );

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Fleet</Title>
        <Badge variant="light" color={live ? 'green' : 'gray'} data-testid="live">
          {live ? 'live' : 'polling'}
        </Badge>
      </Group>
      <Tabs
        value={site}
        onChange={(v) => {
          setSite(v ?? ALL);
          setBuilding(null);
        }}
      >
        <Tabs.List>
          <Tabs.Tab value={ALL}>All sites</Tabs.Tab>
          {sites.data.map((s) => (
            <Tabs.Tab key={s.id} value={s.id}>
              {s.name}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {[ALL, ...sites.data.map((x) => x.id)].map((id) => (
          <Tabs.Panel key={id} value={id} pt="md">
            {id === site && body}
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}
