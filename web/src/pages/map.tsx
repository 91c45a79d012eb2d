import 'leaflet/dist/leaflet.css';
import { Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import L from 'leaflet';
import { useEffect, useRef } from 'react';
import { useNavigate } from 'react-router';
import { raw } from '../api.js';
import { isStale } from '../lib/fleet.js';
import { useDevices, useSites } from '../lib/queries.js';
import { ApiError } from '../ui/api-error.js';

const COLORS = { online: '#2b8a3e', stale: '#c92a2a', unknown: '#868e96', site: '#1971c2' };

/** Sites and located devices on a Leaflet map; tiles from POLDER_MAP_TILES, or none (plain background). */
export default function MapPage() {
  const box = useRef<HTMLDivElement>(null);
  const navigate = useNavigate();
  const config = useQuery({ queryKey: ['ui-config'], queryFn: () => raw<{ mapTiles: string }>('GET', '/api/ui-config') });
  const sites = useSites();
  const devices = useDevices(15_000);

  useEffect(() => {
    const el = box.current;
    if (!el || !config.data || !sites.data || !devices.data) return;
    const map = L.map(el, { attributionControl: true });
    if (config.data.mapTiles !== 'off') {
      L.tileLayer(config.data.mapTiles, { maxZoom: 19, attribution: '© OpenStreetMap contributors' }).addTo(map);
    }
    const points: L.LatLngExpression[] = [];
    const now = Date.now();
    for (const s of sites.data) {
      if (s.latitude === null || s.longitude === null) continue;
      points.push([s.latitude, s.longitude]);
      L.circleMarker([s.latitude, s.longitude], { radius: 10, color: COLORS.site, weight: 2, fillOpacity: 0.2 })
        .bindTooltip(`site ${s.name}`)
        .addTo(map);
    }
    for (const d of devices.data as ((typeof devices.data)[number] & { latitude?: number | null; longitude?: number | null })[]) {
      if (d.latitude == null || d.longitude == null) continue;
      points.push([d.latitude, d.longitude]);
      const color = !d.lastSeenAt ? COLORS.unknown : isStale(d, now) ? COLORS.stale : COLORS.online;
      L.circleMarker([d.latitude, d.longitude], { radius: 6, color, fillColor: color, fillOpacity: 0.9 })
        .bindTooltip(`${d.code} (${d.state})`)
        .on('click', () => navigate(`/devices/${d.id}`))
        .addTo(map);
    }
    if (points.length) map.fitBounds(L.latLngBounds(points), { padding: [30, 30], maxZoom: 16 });
    else map.setView([43.56, 1.47], 3);
    return () => {
      map.remove();
    };
  }, [config.data, sites.data, devices.data, navigate]);

  return (
    <Stack>
      <Title order={2}>Map</Title>
      <Group gap="md">
        <Text size="sm" c={COLORS.online}>
          ● online
        </Text>
        <Text size="sm" c={COLORS.stale}>
          ● stale / offline
        </Text>
        <Text size="sm" c="dimmed">
          ● never seen
        </Text>
        <Text size="sm" c={COLORS.site}>
          ◯ site
        </Text>
      </Group>
      <ApiError error={config.error ?? sites.error ?? devices.error} />
      <div
        ref={box}
        data-testid="map"
        role="application"
        aria-label="Map of sites and devices; click a device to open it"
        style={{ height: 520, background: 'var(--mantine-color-gray-1)', borderRadius: 4 }}
      />
    </Stack>
  );
}
