import { Alert, Button, Card, FileInput, Group, Progress, Table, Text, Textarea, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { csrfToken, PolderError } from '../api.js';
import { ApiError } from '../ui/api-error.js';

interface Report {
  dryRun: boolean;
  total: number;
  created: number;
  updated: number;
  errors: { row: number; field: string; message: string }[];
}

/** POST /api/devices/import as text/csv, reporting upload progress (fetch cannot). */
function uploadCsv(csv: string, dryRun: boolean, onProgress: (fraction: number) => void): Promise<Report> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/devices/import?dryRun=${dryRun}`);
    xhr.setRequestHeader('content-type', 'text/csv');
    xhr.setRequestHeader('accept', 'application/json');
    const token = csrfToken();
    if (token) xhr.setRequestHeader('x-csrf-token', token);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new Error('the upload failed (network)'));
    xhr.onload = () => {
      const body = xhr.responseText ? (JSON.parse(xhr.responseText) as unknown) : {};
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as Report);
      const e = (body as { error?: { code?: string; message?: string; details?: Record<string, unknown> } }).error ?? {};
      reject(new PolderError(xhr.status, e.code ?? 'HTTP_ERROR', e.message ?? xhr.statusText, e.details ?? {}));
    };
    xhr.send(csv);
  });
}

/** CSV device import: load a file (or paste), check it (dry run: every row's errors), then import. */
export function DeviceImport() {
  const client = useQueryClient();
  const [csv, setCsv] = useState('');
  const [preview, setPreview] = useState<Report>();
  const [done, setDone] = useState<Report>();
  const [progress, setProgress] = useState<number>();
  const [error, setError] = useState<unknown>();

  const run = async (dryRun: boolean) => {
    setError(undefined);
    setDone(undefined);
    setProgress(0);
    try {
      const report = await uploadCsv(csv, dryRun, setProgress);
      if (dryRun) setPreview(report);
      else {
        setDone(report);
        setPreview(undefined);
        void client.invalidateQueries({ queryKey: ['devices'] });
      }
    } catch (err) {
      setError(err);
    } finally {
      setProgress(undefined);
    }
  };

  return (
    <Card withBorder data-testid="device-import">
      <Title order={3} size="h4" mb="sm">
        Import devices (CSV)
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        Columns: code, type, identity_kind, identity_value, description, site, building, room, outdoor, base_topic, latitude,
        longitude, altitude, location_description, enabled, offline_after, properties, config, sensors (JSON cells). Devices are
        created or updated by code; nothing is written unless every row is valid.
      </Text>
      <FileInput
        label="CSV file"
        accept=".csv,text/csv"
        onChange={async (file) => {
          setPreview(undefined);
          setCsv(file ? await file.text() : '');
        }}
        maw={360}
      />
      <Textarea
        label="CSV text"
        value={csv}
        onChange={(e) => {
          setCsv(e.currentTarget.value);
          setPreview(undefined);
        }}
        autosize
        minRows={3}
        maxRows={10}
        mt="xs"
        styles={{ input: { fontFamily: 'monospace' } }}
      />
      <Group mt="sm">
        <Button variant="default" onClick={() => void run(true)} disabled={!csv.trim() || progress !== undefined}>
          Check
        </Button>
        <Button onClick={() => void run(false)} disabled={!preview || preview.errors.length > 0 || progress !== undefined}>
          Import {preview ? `${preview.total} devices` : ''}
        </Button>
      </Group>
      {progress !== undefined && (
        <Progress value={progress * 100} animated mt="sm" aria-label="Upload progress" data-testid="import-progress" />
      )}
      {preview && (
        <div data-testid="import-preview">
          <Text size="sm" mt="sm">
            {preview.total} rows: {preview.created} to create, {preview.updated} to update, {preview.errors.length} errors
          </Text>
          {preview.errors.length > 0 && (
            <Table fz="sm" mt="xs" data-testid="import-errors">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Row</Table.Th>
                  <Table.Th>Field</Table.Th>
                  <Table.Th>Problem</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {preview.errors.map((e) => (
                  <Table.Tr key={`${e.row}-${e.field}-${e.message}`}>
                    <Table.Td>{e.row}</Table.Td>
                    <Table.Td>{e.field}</Table.Td>
                    <Table.Td>{e.message}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </div>
      )}
      {done && (
        <Alert color="green" mt="sm" data-testid="import-done">
          Imported: {done.created} created, {done.updated} updated.
        </Alert>
      )}
      <ApiError error={error} />
    </Card>
  );
}
