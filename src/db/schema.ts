import type { Generated } from 'kysely';

/**
 * Table types shared by both dialects. Conventions that keep SQLite and PostgreSQL identical
 * to the code: ids are text (UUIDv7) except datastreams (integer, the hot table's key);
 * times are integer Unix milliseconds (`*_at`, `time`); booleans are integers 0/1; JSON is
 * `jsonb` on PostgreSQL and `text` on SQLite (read through shared/json.ts).
 */
export type Json = unknown;

export interface OrganisationTable {
  id: string;
  slug: string;
  name: string;
  archive_days: number;
  settings: Json;
  created_at: number;
}

export interface UserTable {
  id: string;
  username: string;
  email: string | null;
  password_hash: string;
  platform_admin: number;
  created_at: number;
}

export interface MembershipTable {
  org_id: string;
  user_id: string;
  role: string;
  created_at: number;
}

export interface ApiKeyTable {
  id: string;
  org_id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  scopes: Json;
  platform_admin: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
  created_by: string | null;
  created_at: number;
}

export interface SessionTable {
  id: string;
  token_hash: string;
  user_id: string;
  org_id: string;
  expires_at: number;
  created_at: number;
}

export interface SiteTable {
  id: string;
  org_id: string;
  slug: string;
  name: string;
  description: string | null;
  latitude: number | null;
  longitude: number | null;
  time_zone: string | null;
  is_default: number;
  created_at: number;
  updated_at: number;
}

export interface BuildingTable {
  id: string;
  org_id: string;
  site_id: string;
  slug: string;
  name: string;
  created_at: number;
  updated_at: number;
}

export interface RoomTable {
  id: string;
  org_id: string;
  building_id: string;
  slug: string;
  name: string;
  created_at: number;
  updated_at: number;
}

export interface DeviceTypeTable {
  id: string;
  org_id: string;
  name: string;
  connectivity: string;
  description: string | null;
  config_schema: Json;
  modules: Json;
  created_at: number;
  updated_at: number;
}

export interface DeviceTable {
  id: string;
  org_id: string;
  code: string;
  identity_kind: string | null;
  identity_value: string | null;
  type_id: string | null;
  description: string | null;
  site_id: string | null;
  building_id: string | null;
  room_id: string | null;
  outdoor_zone: string | null;
  base_topic: string | null;
  base_topic_override: number;
  latitude: number | null;
  longitude: number | null;
  altitude: number | null;
  location_description: string | null;
  properties: Json;
  config: Json;
  enabled: number;
  offline_after: number;
  mqtt_login: string | null;
  mqtt_password_hash: string | null;
  mqtt_password_delivered: number;
  state: string;
  last_seen_at: number | null;
  last_status: Json | null;
  created_at: number;
  updated_at: number;
}

export interface SensorTable {
  id: string;
  org_id: string;
  device_id: string;
  code: string;
  external_id: string;
  brand: string | null;
  model: string | null;
  description: string | null;
  properties: Json;
  archive_days: number | null;
  created_at: number;
  updated_at: number;
}

export interface DatastreamTable {
  id: Generated<number>;
  org_id: string;
  device_id: string;
  sensor_id: string;
  observed_property: string;
  unit: string;
  created_at: number;
  /** number | text | boolean | json: where its values are (measurements or measurement_values). */
  value_kind: Generated<string>;
}

export interface MeasurementTable {
  datastream_id: number;
  time: number;
  value: number;
}

/** Non-numeric values: JSON text of the value (json on PostgreSQL). */
export interface MeasurementValueTable {
  datastream_id: number;
  time: number;
  value: Json;
}

export interface RollupTable {
  datastream_id: number;
  size: number;
  bucket: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  first_time: number;
  first_value: number;
  last_time: number;
  last_value: number;
}

/** SQLite only: a datastream with rows in `measurements_recent` (migration 20261205-0900-recent-by-time). */
export interface RecentStreamTable {
  datastream_id: number;
}

/**
 * One row (id 1): 1-hour and 1-day rollups are folded from 1-minute ones for every bucket
 * before `folded_until` (an hour boundary, Unix ms); after it reads fold the minutes themselves.
 */
export interface RollupFoldTable {
  id: number;
  folded_until: number;
}

export interface AlertTable {
  id: string;
  org_id: string;
  kind: string;
  severity: string;
  status: string;
  subject_type: string;
  subject_id: string;
  subject_name: string | null;
  message: string;
  details: Json;
  opened_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  acknowledged_comment: string | null;
  resolved_at: number | null;
  updated_at: number;
  /** The rule that raised it; '' for alerts of no rule (device_offline). */
  rule_id: Generated<string>;
}

export interface WebhookTable {
  id: string;
  org_id: string;
  name: string;
  url: string;
  events: Json;
  enabled: number;
  created_at: number;
  updated_at: number;
}

export interface WebhookDeliveryTable {
  id: string;
  org_id: string;
  webhook_id: string;
  event: string;
  payload: Json;
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  last_status: number | null;
  created_at: number;
  delivered_at: number | null;
}

export interface ScriptTable {
  id: string;
  org_id: string;
  name: string;
  description: string | null;
  language: string;
  revision: number;
  created_at: number;
  updated_at: number;
}

export interface ScriptRevisionTable {
  script_id: string;
  revision: number;
  language: string;
  source: string;
  created_by: string | null;
  created_at: number;
}

export interface CommandTable {
  id: string;
  org_id: string;
  device_id: string;
  module: string;
  order_name: string;
  /** JSON text (not a JSON column: a string value must round-trip on both dialects). */
  value: string | null;
  dest: string;
  topic: string;
  payload: string;
  sent_by_kind: string;
  sent_by_id: string;
  sent_by_name: string;
  sent_at: number;
  status: string;
  error: string | null;
  /** LoRaWAN downlinks: JSON text `[{status, at, event, error?}]` (the fate); null for neOCampus orders. */
  history: string | null;
  /** When status/history last changed (fate events); null until then. */
  updated_at: number | null;
}

/** The database inbox (src/queue/database-inbox.ts). */
export interface InboxTable {
  id: string;
  org_id: string;
  pipeline_id: string;
  /** JSON text of messageToJson(message). */
  message: string;
  /** Deliveries begun so far (a claim adds one). */
  attempts: number;
  available_at: number;
  lease_until: number | null;
  created_at: number;
}

export interface PipelineTable {
  id: string;
  org_id: string;
  name: string;
  description: string;
  status: string;
  /** JSON text: PipelineStep[]. */
  steps: string;
  /** JSON text: PipelineSource[], secrets included (never returned by the API). */
  sources: string;
  has_sources: number;
  auto_register: number;
  device_type: string | null;
  ingest_token_hash: string | null;
  /** Which traces keep their raw message: 'failures' | 'sample' | 'all'. */
  trace_messages: string;
  created_at: number;
  updated_at: number;
}

/** SQLite only: a device's traces, folded from `traces` in batches (migration 20261204-0840-trace-devices). */
export interface TraceDeviceTable {
  org_id: string;
  device_id: string;
  received_at: number;
  id: string;
}

/** SQLite only: the rowid of `traces` up to which `trace_devices` is filled (one row, id 1). */
export interface TraceDeviceFoldTable {
  id: number;
  folded_rowid: number;
}

export interface TraceTable {
  id: string;
  org_id: string;
  pipeline_id: string;
  device_id: string | null;
  status: string;
  received_at: number;
  finished_at: number;
  attempts: number;
  measurements: number;
  /** JSON text: TransportInfo. */
  transport: string;
  /** JSON text: TraceStep[]. */
  steps: string;
  /** JSON text: TraceError, or null. */
  error: string | null;
  /** JSON text: PipelineMessageJson (the message as received, payload base64); null when not kept (slim trace). */
  message: string | null;
}

/** A file an FTP poller has taken (src/ingest/poller-files.store.ts). */
export interface PollerFileTable {
  pipeline_id: string;
  source_key: string;
  name: string;
  size: number;
  mtime: number;
  taken_at: number;
}

/** SensorThings: observed properties created through /sta (src/standards/sensorthings). */
export interface StaObservedPropertyTable {
  org_id: string;
  key: string;
  name: string;
  definition: string;
  description: string;
  properties: Json | null;
  created_at: number;
}

/** SensorThings: a datastream's own name, description and properties. */
export interface StaDatastreamTable {
  datastream_id: number;
  name: string | null;
  description: string | null;
  properties: Json | null;
}

/** Invitations to join an organisation (src/tenancy/invitations.store.ts). */
export interface InvitationTable {
  id: string;
  org_id: string;
  token_hash: string;
  role: string;
  username: string | null;
  email: string | null;
  created_by: string | null;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  accepted_by: string | null;
  revoked_at: number | null;
}

/** Stream rules (src/rules). */
export interface RuleTable {
  id: string;
  org_id: string;
  name: string;
  property: string;
  scope: Json;
  condition: Json;
  clear: Json | null;
  severity: string;
  repeat_seconds: number | null;
  actions: Json;
  enabled: number;
  created_at: number;
  updated_at: number;
}

/** A rule's state per datastream (hysteresis, repeat). */
export interface RuleStateTable {
  rule_id: string;
  datastream_id: number;
  org_id: string;
  state: Json;
  updated_at: number;
}

/** Which process of a deployment holds a role (src/scheduler/lease.ts), until when. */
export interface LeaseTable {
  name: string;
  holder: string;
  expires_at: number;
}

/** SensorThings: the integer alias (`@iot.id`) of a registry entity (`kind` thing, place, sensor, op). */
export interface StaIdTable {
  id: Generated<number>;
  org_id: string;
  kind: string;
  key: string;
}

/** SensorThings: each placement of a device (a HistoricalLocation); `location_id` is a place id. */
export interface StaLocationHistoryTable {
  id: Generated<number>;
  org_id: string;
  device_id: string;
  location_id: string;
  time: number;
}

/** Derived datastreams (src/derived). */
export interface DerivedDatastreamTable {
  datastream_id: number;
  org_id: string;
  definition: Json;
  done_until: number;
  created_at: number;
  updated_at: number;
}

/** How a device type's orders reach a LoRaWAN network server (src/downlinks). */
export interface DownlinkRouteTable {
  org_id: string;
  type_id: string;
  provider: string;
  url: string;
  api_key: string;
  application_id: string | null;
  webhook_id: string | null;
  f_port: number;
  confirmed: number;
  encoder: string;
  /** `http` (the provider's HTTP API) or `mqtt` (its MQTT broker). */
  transport: string;
  /** MQTT: the broker login (TTN: `<application>@<tenant>`); the password is api_key. */
  username: string | null;
  created_at: number;
  updated_at: number;
}

/** Forecasts of a datastream (src/forecasts): the configuration, the models, the predictions. */
export interface ForecastTable {
  datastream_id: number;
  org_id: string;
  config: Json;
  model_version: number;
  issued_at: number | null;
  checked_until: number;
  created_at: number;
  updated_at: number;
}

export interface ForecastModelTable {
  datastream_id: number;
  version: number;
  org_id: string;
  model: Json;
  reason: string;
  trained_at: number;
}

export interface ForecastPredictionTable {
  datastream_id: number;
  time: number;
  org_id: string;
  model_version: number;
  issued_at: number;
  value: number;
  lower: number;
  upper: number;
  actual: number | null;
  error: number | null;
  deviation: number;
}

export interface Schema {
  organisations: OrganisationTable;
  users: UserTable;
  memberships: MembershipTable;
  api_keys: ApiKeyTable;
  sessions: SessionTable;
  sites: SiteTable;
  buildings: BuildingTable;
  rooms: RoomTable;
  device_types: DeviceTypeTable;
  devices: DeviceTable;
  sensors: SensorTable;
  datastreams: DatastreamTable;
  measurements: MeasurementTable;
  /** SQLite only: the two tables under its `measurements` view (migration 20261204-1430-measurements-recent). */
  measurements_folded: MeasurementTable;
  measurements_recent: MeasurementTable;
  /** SQLite only: the datastreams with rows in `measurements_recent` (migration 20261205-0900-recent-by-time). */
  recent_streams: RecentStreamTable;
  measurement_values: MeasurementValueTable;
  rollups: RollupTable;
  rollup_folds: RollupFoldTable;
  alerts: AlertTable;
  webhooks: WebhookTable;
  webhook_deliveries: WebhookDeliveryTable;
  scripts: ScriptTable;
  script_revisions: ScriptRevisionTable;
  commands: CommandTable;
  inbox: InboxTable;
  pipelines: PipelineTable;
  traces: TraceTable;
  trace_devices: TraceDeviceTable;
  trace_device_folds: TraceDeviceFoldTable;
  poller_files: PollerFileTable;
  sta_observed_properties: StaObservedPropertyTable;
  sta_datastreams: StaDatastreamTable;
  invitations: InvitationTable;
  rules: RuleTable;
  rule_states: RuleStateTable;
  leases: LeaseTable;
  sta_ids: StaIdTable;
  sta_location_history: StaLocationHistoryTable;
  derived_datastreams: DerivedDatastreamTable;
  downlink_routes: DownlinkRouteTable;
  forecasts: ForecastTable;
  forecast_models: ForecastModelTable;
  forecast_predictions: ForecastPredictionTable;
}
