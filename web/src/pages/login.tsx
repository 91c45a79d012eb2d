import { Button, Container, Paper, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { rememberOrg } from '../lib/known-orgs.js';
import { useSession } from '../session.js';
import { ApiError } from '../ui/api-error.js';

export function LoginPage() {
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const me = await session.login(
        String(form.get('username')),
        String(form.get('password')),
        String(form.get('organisation') ?? ''),
      );
      rememberOrg(me.organisation);
      const next = params.get('next');
      void navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/fleet', { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Container size={420} py={60} component="main">
      <Title order={1} ta="center" mb="md">
        Polder
      </Title>
      <Paper withBorder p="lg" radius="md">
        <form onSubmit={submit} aria-label="Sign in">
          <Stack>
            <TextInput name="username" label="Username" autoComplete="username" required autoFocus />
            <PasswordInput name="password" label="Password" autoComplete="current-password" required />
            <TextInput name="organisation" label="Organisation (optional)" autoComplete="organization" />
            <ApiError error={error} title="Sign-in failed" />
            <Button type="submit" loading={busy}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Container>
  );
}
