import { Text, Title } from '@mantine/core';

export default function PipelinePage() {
  return (
    <>
      <Title order={2}>Pipeline</Title>
      <Text c="dimmed">Not built yet.</Text>
    </>
  );
}
