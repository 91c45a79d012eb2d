import { Text, Title } from '@mantine/core';

export default function SettingsPage() {
  return (
    <>
      <Title order={2}>Settings</Title>
      <Text c="dimmed">Not built yet.</Text>
    </>
  );
}
