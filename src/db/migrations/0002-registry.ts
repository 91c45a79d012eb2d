import { type ColumnDefinitionBuilder, type Kysely, sql } from 'kysely';
import { columnTypes, type Dialect } from '../dialect.js';

/**
 * The device registry: locations (site → building → room), device types, devices, sensors and
 * datastreams. Lookups the provisioning and broker paths make without an organisation (identity,
 * MQTT login, base topic) have their own indexes; everything else is reached through org_id.
 */
export const registry = (dialect: Dialect) => ({
  async up(db: Kysely<unknown>) {
    const t = columnTypes(dialect);
    const org = (c: ColumnDefinitionBuilder) => c.notNull().references('organisations.id').onDelete('cascade');
    await db.schema
      .createTable('sites')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('org_id', t.id, org)
      .addColumn('slug', t.text, (c) => c.notNull())
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('description', t.text)
      .addColumn('latitude', t.double)
      .addColumn('longitude', t.double)
      .addColumn('time_zone', t.text)
      .addColumn('is_default', t.bool, (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('sites_org_slug', ['org_id', 'slug'])
      .execute();
    // Exactly one default site per organisation: the partial index makes a second one impossible.
    await db.schema
      .createIndex('sites_one_default')
      .on('sites')
      .column('org_id')
      .unique()
      .where(sql.ref('is_default'), '=', 1)
      .execute();
    await db.schema
      .createTable('buildings')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('org_id', t.id, org)
      .addColumn('site_id', t.id, (c) => c.notNull().references('sites.id').onDelete('cascade'))
      .addColumn('slug', t.text, (c) => c.notNull())
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('buildings_site_slug', ['site_id', 'slug'])
      .execute();
    await db.schema.createIndex('buildings_org_slug').on('buildings').columns(['org_id', 'slug']).execute();
    await db.schema
      .createTable('rooms')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('org_id', t.id, org)
      .addColumn('building_id', t.id, (c) => c.notNull().references('buildings.id').onDelete('cascade'))
      .addColumn('slug', t.text, (c) => c.notNull())
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('rooms_building_slug', ['building_id', 'slug'])
      .execute();
    await db.schema.createIndex('rooms_org_slug').on('rooms').columns(['org_id', 'slug']).execute();
    await db.schema
      .createTable('device_types')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('org_id', t.id, org)
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('connectivity', t.text, (c) => c.notNull())
      .addColumn('description', t.text)
      .addColumn('config_schema', t.json, (c) => c.notNull().defaultTo(sql`'{}'`))
      .addColumn('modules', t.json, (c) => c.notNull().defaultTo(sql`'[]'`))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('device_types_org_name', ['org_id', 'name'])
      .execute();
    await db.schema
      .createTable('devices')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('org_id', t.id, org)
      .addColumn('code', t.text, (c) => c.notNull())
      .addColumn('identity_kind', t.text)
      .addColumn('identity_value', t.text)
      .addColumn('type_id', t.id, (c) => c.references('device_types.id'))
      .addColumn('description', t.text)
      .addColumn('site_id', t.id, (c) => c.references('sites.id'))
      .addColumn('building_id', t.id, (c) => c.references('buildings.id'))
      .addColumn('room_id', t.id, (c) => c.references('rooms.id'))
      .addColumn('outdoor_zone', t.text)
      .addColumn('base_topic', t.text)
      .addColumn('base_topic_override', t.bool, (c) => c.notNull().defaultTo(0))
      .addColumn('latitude', t.double)
      .addColumn('longitude', t.double)
      .addColumn('altitude', t.double)
      .addColumn('location_description', t.text)
      .addColumn('properties', t.json, (c) => c.notNull().defaultTo(sql`'{}'`))
      .addColumn('config', t.json, (c) => c.notNull().defaultTo(sql`'{}'`))
      .addColumn('enabled', t.bool, (c) => c.notNull().defaultTo(1))
      .addColumn('offline_after', t.int, (c) => c.notNull().defaultTo(1800))
      .addColumn('mqtt_login', t.text, (c) => c.unique())
      .addColumn('mqtt_password_hash', t.text)
      .addColumn('mqtt_password_delivered', t.bool, (c) => c.notNull().defaultTo(0))
      .addColumn('state', t.text, (c) => c.notNull().defaultTo('unknown'))
      .addColumn('last_seen_at', t.bigint)
      .addColumn('last_status', t.json)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('devices_org_code', ['org_id', 'code'])
      .addUniqueConstraint('devices_org_identity', ['org_id', 'identity_kind', 'identity_value'])
      .execute();
    await db.schema.createIndex('devices_base_topic').on('devices').column('base_topic').execute();
    // /device/credentials finds a device by identity across organisations.
    await db.schema.createIndex('devices_identity').on('devices').columns(['identity_kind', 'identity_value']).execute();
    await db.schema.createIndex('devices_org_site').on('devices').columns(['org_id', 'site_id']).execute();
    await db.schema.createIndex('devices_building').on('devices').column('building_id').execute();
    await db.schema.createIndex('devices_room').on('devices').column('room_id').execute();
    await db.schema.createIndex('devices_type').on('devices').column('type_id').execute();
    await db.schema
      .createTable('sensors')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('org_id', t.id, org)
      .addColumn('device_id', t.id, (c) => c.notNull().references('devices.id').onDelete('cascade'))
      .addColumn('code', t.text, (c) => c.notNull())
      .addColumn('external_id', t.text, (c) => c.notNull())
      .addColumn('brand', t.text)
      .addColumn('model', t.text)
      .addColumn('description', t.text)
      .addColumn('properties', t.json, (c) => c.notNull().defaultTo(sql`'{}'`))
      .addColumn('archive_days', t.int)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('sensors_device_code', ['device_id', 'code'])
      .addUniqueConstraint('sensors_device_external', ['device_id', 'external_id'])
      .execute();
    await db.schema.createIndex('sensors_org').on('sensors').columns(['org_id', 'device_id']).execute();
    await db.schema
      .createTable('datastreams')
      .addColumn('id', dialect === 'postgres' ? 'bigint' : 'integer', (c) =>
        dialect === 'postgres' ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
      )
      .addColumn('org_id', t.id, org)
      .addColumn('device_id', t.id, (c) => c.notNull().references('devices.id').onDelete('cascade'))
      .addColumn('sensor_id', t.id, (c) => c.notNull().references('sensors.id').onDelete('cascade'))
      .addColumn('observed_property', t.text, (c) => c.notNull())
      .addColumn('unit', t.text, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      // One series per (sensor, observed property, unit): a unit change starts a new series
      // rather than mixing incomparable values.
      .addUniqueConstraint('datastreams_sensor_property_unit', ['sensor_id', 'observed_property', 'unit'])
      .execute();
    await db.schema.createIndex('datastreams_device').on('datastreams').column('device_id').execute();
  },
});
