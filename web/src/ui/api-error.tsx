import { Alert, Code, Text } from '@mantine/core';
import { describeError } from '../api.js';

/** An API failure as the user should see it: the message, and the field at fault when named. */
export function ApiError({ error, title = 'Request failed' }: { error: unknown; title?: string }) {
  if (!error) return null;
  const { message, field, code } = describeError(error);
  return (
    <Alert color="red" title={title} role="alert" data-testid="api-error">
      <Text size="sm">{message}</Text>
      {field && (
        <Text size="sm">
          Field: <Code>{field}</Code>
        </Text>
      )}
      {code && (
        <Text size="xs" c="dimmed">
          {code}
        </Text>
      )}
    </Alert>
  );
}
