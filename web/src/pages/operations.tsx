import { Text, Title } from '@mantine/core';

export default function OperationsPage() {
  return (
    <>
      <Title order={2}>Operations</Title>
      <Text c="dimmed">Not built yet.</Text>
    </>
  );
}
