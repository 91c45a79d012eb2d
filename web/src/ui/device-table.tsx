import { Anchor, Badge, Table, Text, UnstyledButton } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { type FleetDevice, isStale, placeOf, relativeTime, type Sort, type SortKey, visibleRange } from '../lib/fleet.js';

const ROW = 36;
const HEIGHT = 520;
const COLUMNS: [SortKey, string][] = [
  ['code', 'Device'],
  ['type', 'Type'],
  ['place', 'Place'],
  ['state', 'State'],
  ['lastSeenAt', 'Last seen'],
];

export const stateColor = (state: string) =>
  state === 'online' ? 'green' : state === 'offline' ? 'red' : state === 'disabled' ? 'gray' : 'yellow';

/** Sortable device table that renders only the rows in view (10,000 devices scroll smoothly). */
export function DeviceTable(props: { devices: FleetDevice[]; sort: Sort; onSort: (s: Sort) => void; now: number }) {
  const [scrollTop, setScrollTop] = useState(0);
  const { first, last } = visibleRange(scrollTop, HEIGHT, ROW, props.devices.length);
  const rows = props.devices.slice(first, last);
  return (
    <section
      style={{ maxHeight: HEIGHT, overflow: 'auto' }}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      data-testid="device-table"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the scroll region must be reachable by keyboard (axe: scrollable-region-focusable)
      tabIndex={0}
      aria-label="Devices"
    >
      <Table striped highlightOnHover stickyHeader layout="fixed" miw={640}>
        <Table.Thead>
          <Table.Tr>
            {COLUMNS.map(([key, label]) => {
              const active = props.sort.key === key;
              return (
                <Table.Th key={key} aria-sort={active ? (props.sort.desc ? 'descending' : 'ascending') : 'none'}>
                  <UnstyledButton onClick={() => props.onSort({ key, desc: active ? !props.sort.desc : false })} fw={600} fz="sm">
                    {label} {active ? (props.sort.desc ? '▼' : '▲') : ''}
                  </UnstyledButton>
                </Table.Th>
              );
            })}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {first > 0 && <tr style={{ height: first * ROW }} aria-hidden />}
          {rows.map((d) => {
            const stale = isStale(d, props.now);
            return (
              <Table.Tr key={d.id} h={ROW} data-device={d.code}>
                <Table.Td>
                  <Anchor component={Link} to={`/devices/${d.id}`} fz="sm">
                    {d.code}
                  </Anchor>
                </Table.Td>
                <Table.Td fz="sm">{d.type ?? '—'}</Table.Td>
                <Table.Td fz="sm">{placeOf(d) || '—'}</Table.Td>
                <Table.Td>
                  <Badge color={stateColor(d.enabled ? d.state : 'disabled')} variant="light" data-state={d.state}>
                    {d.enabled ? d.state : 'disabled'}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text fz="sm" c={stale ? 'red.8' : undefined} fw={stale ? 700 : undefined} data-stale={stale}>
                    {relativeTime(d.lastSeenAt, props.now)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
          {last < props.devices.length && <tr style={{ height: (props.devices.length - last) * ROW }} aria-hidden />}
        </Table.Tbody>
      </Table>
    </section>
  );
}
