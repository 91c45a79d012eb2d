import { Text, Title } from '@mantine/core';

export default function MapPage() {
  return (
    <>
      <Title order={2}>Map</Title>
      <Text c="dimmed">Not built yet.</Text>
    </>
  );
}
