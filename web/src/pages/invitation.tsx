import { Button, Card, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { api } from '../api.js';
import { rememberOrg } from '../lib/known-orgs.js';
import { ApiError } from '../ui/api-error.js';

/** /invitations/:token — the signed-in user accepts; the organisation then shows in the switcher. */
export default function InvitationPage() {
  const { token = '' } = useParams();
  const accept = useMutation({
    mutationFn: () => api.post('/api/invitations/{token}/accept', { path: { token }, body: {} }),
    onSuccess: (r) => rememberOrg(r.organisation),
  });
  return (
    <Stack maw={560}>
      <Title order={2}>Invitation</Title>
      <Card withBorder>
        {accept.data ? (
          <Text data-testid="invitation-accepted">
            You joined {accept.data.organisation.name} as {accept.data.role}. Switch to it from the organisation menu in the
            header.
          </Text>
        ) : (
          <Stack>
            <Text>You were invited to join an organisation on this Polder.</Text>
            <Button onClick={() => accept.mutate()} loading={accept.isPending}>
              Accept invitation
            </Button>
          </Stack>
        )}
        <ApiError error={accept.error} />
      </Card>
    </Stack>
  );
}
