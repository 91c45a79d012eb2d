import { Text, Title } from '@mantine/core';

export default function TracesPage() {
  return (
    <>
      <Title order={2}>Traces</Title>
      <Text c="dimmed">Not built yet.</Text>
    </>
  );
}
