import { randomBytes } from 'node:crypto';
import { deriveBaseTopic, topicProblem } from '../locations/base-topic.js';
import { type LocationLookup, resolveLocation } from '../locations/location-resolver.js';
import { DomainError, invalid } from '../shared/errors.js';
import type { ConfigValidator } from './config-validator.js';
import {
  DEFAULT_OFFLINE_AFTER,
  DEVICE_CODE_RE,
  type Device,
  type DeviceInput,
  type DeviceRow,
  type DeviceType,
} from './devices.js';
import { IDENTITY_EXAMPLES, normaliseIdentityValue } from './identity.js';

/**
 * The neOCampus firmware keeps the MQTT login in a 32-byte buffer (sensocampus.h,
 * SENSO_MQTT_LOGIN_LENGTH) and truncates silently: logins stay within 31 characters.
 */
export const MAX_MQTT_LOGIN = 31;

/** The MQTT login to try for a device: its code when short enough, then the code cut with a random suffix. */
export function loginCandidate(code: string, attempt: number): string {
  if (attempt === 0 && code.length <= MAX_MQTT_LOGIN) return code;
  return `${code.slice(0, MAX_MQTT_LOGIN - 7)}-${randomBytes(3).toString('hex')}`;
}

/** What turning a request into a row needs: type and location lookups of one organisation. */
export interface DraftContext {
  orgId: string;
  type(ref: string): Promise<DeviceType | undefined>;
  location: LocationLookup;
  validator: ConfigValidator;
  now: number;
  newId(): string;
}

/** The stored state a write must carry over: id, credentials, status. */
export interface Prior {
  id: string;
  mqttLogin: string | null;
  mqttPasswordHash: string | null;
  mqttPasswordDelivered: boolean;
  state: string;
  createdAt: number;
}

/**
 * A complete row from a request: identity normalised, type and location resolved, base topic
 * derived (or the override checked), config validated (when `checkConfig`), MQTT login kept or
 * proposed (= the code; the caller makes it unique). Errors name the request field.
 */
export async function draftDevice(
  ctx: DraftContext,
  input: DeviceInput,
  prior: Prior | undefined,
  checkConfig: boolean,
): Promise<{ row: DeviceRow; type: DeviceType }> {
  if (!DEVICE_CODE_RE.test(input.code))
    throw invalid('code', 'a code is 1–128 letters, digits, . _ : @ - (starting with a letter or digit)');

  let identityKind: DeviceRow['identityKind'] = null;
  let identityValue: string | null = null;
  if (input.identity) {
    const value = normaliseIdentityValue(input.identity.kind, input.identity.value);
    if (value === undefined)
      throw invalid(
        'identity.value',
        `${input.identity.value} is not a ${input.identity.kind} (${IDENTITY_EXAMPLES[input.identity.kind]})`,
      );
    identityKind = input.identity.kind;
    identityValue = value;
  }

  const type = await ctx.type(input.type);
  if (!type) throw invalid('type', `device type ${input.type} not found`);

  const loc = await resolveLocation(ctx.location, input.location ?? {});
  let baseTopic: string | null;
  const override = input.baseTopic !== undefined && input.baseTopic !== null;
  if (override) {
    baseTopic = input.baseTopic as string;
    const problem = topicProblem(baseTopic);
    if (problem) throw invalid('baseTopic', `base topic ${problem}`);
  } else {
    baseTopic = deriveBaseTopic({
      siteSlug: loc.site.slug,
      siteIsDefault: loc.site.isDefault,
      buildingSlug: loc.building?.slug ?? null,
      roomSlug: loc.room?.slug ?? null,
      outdoor: loc.outdoor,
    });
  }

  const config = input.config ?? {};
  if (checkConfig) ctx.validator.check(type, config);

  const mqtt = type.connectivity === 'mqtt';
  const enabled = input.enabled ?? true;
  // A disabled device says so; enabling it again starts from "unknown" until the fleet hears from it.
  const state = !enabled ? 'disabled' : prior && prior.state !== 'disabled' ? prior.state : 'unknown';
  return {
    type,
    row: {
      id: prior?.id ?? ctx.newId(),
      orgId: ctx.orgId,
      code: input.code,
      identityKind,
      identityValue,
      typeId: type.id,
      description: input.description ?? null,
      siteId: loc.site.id,
      buildingId: loc.building?.id ?? null,
      roomId: loc.room?.id ?? null,
      outdoor: loc.outdoor,
      baseTopic,
      baseTopicOverride: override,
      latitude: input.latitude ?? null,
      longitude: input.longitude ?? null,
      altitude: input.altitude ?? null,
      locationDescription: input.locationDescription ?? null,
      properties: input.properties ?? {},
      config,
      enabled,
      offlineAfter: input.offlineAfter ?? DEFAULT_OFFLINE_AFTER,
      mqttLogin: mqtt ? (prior?.mqttLogin ?? loginCandidate(input.code, 0)) : null,
      mqttPasswordHash: mqtt ? (prior?.mqttPasswordHash ?? null) : null,
      mqttPasswordDelivered: mqtt ? (prior?.mqttPasswordDelivered ?? false) : false,
      state,
      createdAt: prior?.createdAt ?? ctx.now,
      updatedAt: ctx.now,
    },
  };
}

/** A stored device as the request that would recreate it (ids for type and location). */
export function inputOf(d: Device): DeviceInput {
  const location =
    d.location.siteId === null
      ? undefined
      : {
          site: d.location.siteId,
          ...(d.location.buildingId !== null && { building: d.location.buildingId }),
          ...(d.location.roomId !== null && { room: d.location.roomId }),
          ...(d.location.outdoor !== null && { outdoor: d.location.outdoor }),
        };
  return {
    code: d.code,
    identity: d.identity,
    type: d.typeId ?? '',
    description: d.description,
    location,
    baseTopic: d.baseTopicOverride ? d.baseTopic : undefined,
    latitude: d.latitude,
    longitude: d.longitude,
    altitude: d.altitude,
    locationDescription: d.locationDescription,
    properties: d.properties,
    config: d.config,
    enabled: d.enabled,
    offlineAfter: d.offlineAfter,
  };
}

export const priorOf = (d: Device, passwordHash: string | null): Prior => ({
  id: d.id,
  mqttLogin: d.mqttLogin,
  mqttPasswordHash: passwordHash,
  mqttPasswordDelivered: d.mqttPasswordDelivered,
  state: d.state,
  createdAt: d.createdAt,
});

/** The field and message of a domain error, for per-row import reports. */
export function fieldOf(err: unknown): { field: string; message: string } {
  if (err instanceof DomainError) return { field: String(err.details?.field ?? ''), message: err.message };
  throw err;
}
