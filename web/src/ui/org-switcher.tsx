import { Button, Menu, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api.js';
import { type KnownOrg, knownOrgs, mergeOrgs, rememberOrg } from '../lib/known-orgs.js';
import { useSession } from '../session.js';
import { ApiError } from './api-error.js';

/**
 * The organisation in the header, and a menu to move to another one the user belongs to. A
 * session belongs to one organisation (chosen at sign-in), so switching signs in again to the
 * other one: the password is asked. Offered: what GET /api/organisations lists (every
 * organisation for a platform admin), organisations signed in to before in this browser, or any
 * slug typed.
 */
export function OrgSwitcher({ me }: { me: { name: string; organisation: KnownOrg } }) {
  const session = useSession();
  const navigate = useNavigate();
  const listed = useQuery({
    queryKey: ['organisations'],
    queryFn: () => api.get('/api/organisations', { query: { limit: 200 } }),
    staleTime: 60_000,
  });
  useEffect(() => rememberOrg(me.organisation), [me.organisation]);
  const others = useMemo(
    () =>
      mergeOrgs(
        knownOrgs(),
        (listed.data?.data ?? []).map((o) => ({ slug: o.slug, name: o.name })),
      ).filter((o) => o.slug !== me.organisation.slug),
    [listed.data, me.organisation.slug],
  );
  const [target, setTarget] = useState<string>();
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const organisation = target ?? String(form.get('organisation') ?? '');
    setBusy(true);
    setError(undefined);
    try {
      const signed = await session.login(me.name, String(form.get('password')), organisation);
      rememberOrg(signed.organisation);
      setTarget(undefined);
      setTyped('');
      void navigate('/fleet');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const close = () => {
    setTarget(undefined);
    setTyped('');
    setError(undefined);
  };

  return (
    <>
      <Menu position="bottom-start" withinPortal>
        <Menu.Target>
          <Button size="compact-sm" variant="subtle" aria-label="Organisation" data-testid="organisation" visibleFrom="xs">
            {me.organisation.name} ▾
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>Switch organisation</Menu.Label>
          {others.map((o) => (
            <Menu.Item key={o.slug} onClick={() => setTarget(o.slug)}>
              {o.name}
            </Menu.Item>
          ))}
          <Menu.Item onClick={() => setTarget('')}>Other organisation…</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Modal
        opened={target !== undefined}
        onClose={close}
        title="Switch organisation"
        closeButtonProps={{ 'aria-label': 'Close' }}
      >
        <form onSubmit={submit} aria-label="Switch organisation">
          <Stack>
            {target ? (
              <Text size="sm">
                Sign in to <b>{others.find((o) => o.slug === target)?.name ?? target}</b> as {me.name}.
              </Text>
            ) : (
              <TextInput
                name="organisation"
                label="Organisation (slug)"
                value={typed}
                onChange={(e) => setTyped(e.currentTarget.value)}
                required
                autoComplete="organization"
              />
            )}
            <input type="text" name="username" value={me.name} autoComplete="username" readOnly hidden />
            <PasswordInput name="password" label="Password" autoComplete="current-password" required data-autofocus />
            <ApiError error={error} title="Switch failed" />
            <Button type="submit" loading={busy}>
              Switch
            </Button>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
