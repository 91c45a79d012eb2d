import { sql } from 'kysely';

/** Where a device is: its own coordinates, else its room, building or site (an expression over `d`). */
export const DEVICE_PLACE = sql.raw(
  'case when d.latitude is not null and d.longitude is not null then d.id else coalesce(d.room_id, d.building_id, d.site_id) end',
);

/**
 * Every place of an organisation: sites, buildings and rooms (with their site's coordinates) and
 * devices with their own position. Columns: id, org_id, name, description, kind, x, y.
 */
export const places = (orgId: string) => sql`
  select s.id as id, s.org_id as org_id, s.name as name, coalesce(s.description, 'Site ' || s.slug) as description,
    'site' as kind, s.longitude as x, s.latitude as y from sites s where s.org_id = ${orgId}
  union all
  select b.id, b.org_id, b.name, 'Building ' || b.slug || ' of site ' || s.name, 'building', s.longitude, s.latitude
    from buildings b join sites s on s.id = b.site_id where b.org_id = ${orgId}
  union all
  select r.id, r.org_id, r.name, 'Room ' || r.slug || ' of building ' || b.name, 'room', s.longitude, s.latitude
    from rooms r join buildings b on b.id = r.building_id join sites s on s.id = b.site_id where r.org_id = ${orgId}
  union all
  select d.id, d.org_id, coalesce(d.location_description, 'Position of ' || d.code), 'Position of device ' || d.code,
    'device', d.longitude, d.latitude from devices d
    where d.org_id = ${orgId} and d.latitude is not null and d.longitude is not null`;
