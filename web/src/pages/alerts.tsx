import { Text, Title } from '@mantine/core';

export default function AlertsPage() {
  return (
    <>
      <Title order={2}>Alerts</Title>
      <Text c="dimmed">Not built yet.</Text>
    </>
  );
}
