import { Card, MultiSelect, Table, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { defaultStatusFields, flattenStatus } from '../lib/status.js';

const KEY = 'polder.statusFields';

/** The device's last status message, as chosen fields (remembered in this browser). */
export function StatusPanel({ status }: { status: unknown }) {
  const flat = useMemo(() => flattenStatus(status), [status]);
  const fields = Object.keys(flat);
  const [chosen, setChosen] = useState<string[] | null>(() => {
    const saved = localStorage.getItem(KEY);
    return saved ? (JSON.parse(saved) as string[]) : null;
  });
  const shown = (chosen ?? defaultStatusFields(fields)).filter((f) => f in flat);
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="sm">
        Last status
      </Title>
      {fields.length === 0 ? (
        <Text c="dimmed">No status received yet.</Text>
      ) : (
        <>
          <MultiSelect
            label="Fields"
            data={fields}
            value={shown}
            searchable
            onChange={(v) => {
              setChosen(v);
              localStorage.setItem(KEY, JSON.stringify(v));
            }}
          />
          <Table fz="sm" mt="sm">
            <Table.Tbody>
              {shown.map((f) => (
                <Table.Tr key={f}>
                  <Table.Th>{f}</Table.Th>
                  <Table.Td>{flat[f]}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
    </Card>
  );
}
