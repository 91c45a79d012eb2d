import { Text, Title } from '@mantine/core';

export default function PipelinesPage() {
  return (
    <>
      <Title order={2}>Pipelines</Title>
      <Text c="dimmed">Not built yet.</Text>
    </>
  );
}
