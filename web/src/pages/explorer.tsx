import { Text, Title } from '@mantine/core';

export default function ExplorerPage() {
  return (
    <>
      <Title order={2}>Explorer</Title>
      <Text c="dimmed">Not built yet.</Text>
    </>
  );
}
