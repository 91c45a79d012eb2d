import { Text, Title } from '@mantine/core';

export default function WorkersPage() {
  return (
    <>
      <Title order={2}>Workers</Title>
      <Text c="dimmed">Not built yet.</Text>
    </>
  );
}
