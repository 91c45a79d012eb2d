import { Stack, Tabs, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { useMe } from '../session.js';
import { DeviceImport } from '../settings/device-import.js';
import { DeviceTypes } from '../settings/device-types.js';
import { Locations } from '../settings/locations.js';
import { Retention } from '../settings/retention.js';
import { ApiKeys, Sites } from '../settings/sites-and-keys.js';
import { Users } from '../settings/users.js';
import { Webhooks } from '../settings/webhooks.js';
import { Loading } from '../ui/loading.js';

const TABS = [
  ['places', 'Sites and places'],
  ['types', 'Device types'],
  ['import', 'Import'],
  ['users', 'Users'],
  ['keys', 'API keys'],
  ['webhooks', 'Webhooks'],
  ['retention', 'Retention'],
] as const;

/** Settings, one tab each (the tab is in the URL: /settings?tab=users). */
export default function SettingsPage() {
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'places';
  if (!me.data) return <Loading />;
  const org = me.data.organisation.id;
  return (
    <Stack>
      <Title order={2}>Settings</Title>
      <Tabs value={tab} onChange={(v) => setParams(v ? { tab: v } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List>
          {TABS.map(([value, label]) => (
            <Tabs.Tab key={value} value={value}>
              {label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="places" pt="md">
          <Stack>
            <Sites />
            <Locations />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="types" pt="md">
          <DeviceTypes />
        </Tabs.Panel>
        <Tabs.Panel value="import" pt="md">
          <DeviceImport />
        </Tabs.Panel>
        <Tabs.Panel value="users" pt="md">
          <Users org={org} me={me.data.id} />
        </Tabs.Panel>
        <Tabs.Panel value="keys" pt="md">
          <ApiKeys org={org} />
        </Tabs.Panel>
        <Tabs.Panel value="webhooks" pt="md">
          <Webhooks />
        </Tabs.Panel>
        <Tabs.Panel value="retention" pt="md">
          <Retention org={org} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
