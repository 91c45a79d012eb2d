import { ActionIcon, AppShell, Burger, Button, Group, NavLink, Text, useMantineColorScheme } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Navigate, Outlet, NavLink as RouterLink, useLocation, useNavigate } from 'react-router';
import { useMe, useSession } from './session.js';
import { ApiError } from './ui/api-error.js';
import { Loading } from './ui/loading.js';
import { OrgSwitcher } from './ui/org-switcher.js';

const LINKS = [
  ['/fleet', 'Fleet'],
  ['/explore', 'Data explorer'],
  ['/map', 'Map'],
  ['/pipelines', 'Pipelines'],
  ['/workers', 'Workers'],
  ['/traces', 'Traces'],
  ['/alerts', 'Alerts'],
  ['/settings', 'Settings'],
  ['/operations', 'Operations'],
] as const;

export function Layout() {
  const me = useMe();
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [opened, { toggle, close }] = useDisclosure();
  const { toggleColorScheme } = useMantineColorScheme();

  if (me.isPending) return <Loading />;
  if (me.error) return <ApiError error={me.error} />;
  if (!me.data) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;

  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 200, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Text fw={700}>Polder</Text>
            <OrgSwitcher me={me.data} />
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Text size="sm" visibleFrom="xs">
              {me.data.name}
            </Text>
            <ActionIcon variant="default" onClick={toggleColorScheme} aria-label="Toggle dark mode">
              ◐
            </ActionIcon>
            <Button
              size="xs"
              variant="default"
              onClick={async () => {
                await session.logout();
                void navigate('/login');
              }}
            >
              Log out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Main">
        {LINKS.map(([to, label]) => (
          <NavLink key={to} component={RouterLink} to={to} label={label} onClick={close} />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
