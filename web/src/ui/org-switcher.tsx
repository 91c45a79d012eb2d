import { Button, Menu, Modal, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api.js';
import { ApiError } from './api-error.js';

/**
 * The organisation in the header, and a menu to move to another one the user is a member of
 * (`GET /api/auth/organisations`). One click switches: `POST /api/auth/switch` gives the session
 * a new cookie in that organisation, so no password is asked; every cached answer belonged to the
 * old organisation and is dropped.
 */
export function OrgSwitcher({ me }: { me: { organisation: { id: string; name: string } } }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const mine = useQuery({
    queryKey: ['my-organisations'],
    queryFn: () => api.get('/api/auth/organisations'),
    staleTime: 60_000,
  });
  const others = (mine.data?.data ?? []).filter((o) => o.id !== me.organisation.id).sort((a, b) => a.name.localeCompare(b.name));
  const [error, setError] = useState<unknown>();

  const switchTo = async (organisation: string) => {
    setError(undefined);
    try {
      const next = await api.post('/api/auth/switch', { body: { organisation } });
      client.clear();
      client.setQueryData(['me'], next);
      void navigate('/fleet');
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <Menu position="bottom-start" withinPortal onOpen={() => void mine.refetch()}>
        <Menu.Target>
          <Button
            size="compact-sm"
            variant="subtle"
            aria-label="Organisation"
            data-testid="organisation"
            maw={{ base: 120, sm: 280 }}
            styles={{ label: { overflow: 'hidden', textOverflow: 'ellipsis' } }}
          >
            {me.organisation.name} ▾
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>Switch organisation</Menu.Label>
          {others.map((o) => (
            <Menu.Item key={o.id} onClick={() => void switchTo(o.id)} rightSection={<Text size="xs">{o.role}</Text>}>
              {o.name}
            </Menu.Item>
          ))}
          {mine.isSuccess && others.length === 0 && <Menu.Item disabled>No other organisation</Menu.Item>}
        </Menu.Dropdown>
      </Menu>
      <Modal
        opened={error !== undefined}
        onClose={() => setError(undefined)}
        title="Switch organisation"
        closeButtonProps={{ 'aria-label': 'Close' }}
      >
        <ApiError error={error} title="Switch failed" />
      </Modal>
    </>
  );
}
