import { Text, Title } from '@mantine/core';

export default function DevicePage() {
  return (
    <>
      <Title order={2}>Device</Title>
      <Text c="dimmed">Not built yet.</Text>
    </>
  );
}
