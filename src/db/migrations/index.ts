import type { Migration } from 'kysely';
import type { Dialect } from '../dialect.js';
import { tenancy } from './0001-tenancy.js';
import { registry } from './0002-registry.js';
import { measurements } from './0003-measurements.js';
import { alerts } from './0004-alerts.js';
import { pipelines } from './0005-pipelines.js';
import { fleet } from './0006-fleet.js';
import { scripts } from './0007-scripts.js';
import { inbox } from './0008-inbox.js';
import { pollers } from './0009-pollers.js';
import { identityGlobal } from './20261202-1630-identity-global.js';
import { rules } from './20261202-1630-rules.js';
import { sensorthings } from './20261202-1630-sensorthings.js';
import { invitations } from './20261202-1700-invitations.js';
import { values } from './20261202-1700-values.js';
import { defaultDevicesOnly } from './20261202-1740-default-devices-only.js';
import { leases } from './20261202-1800-leases.js';
import { derivedForecasts } from './20261203-0000-derived-forecasts.js';
import { staIds } from './20261203-0005-sta-ids.js';
import { alertAckComment } from './20261203-0020-alert-ack-comment.js';
import { downlinkRoutes } from './20261203-0030-downlink-routes.js';
import { slimTraces } from './20261203-0140-slim-traces.js';
import { rollupFolds } from './20261203-0311-rollup-folds.js';
import { downlinkMqttFate } from './20261203-0322-downlink-mqtt-fate.js';
import { rollupsFillfactor } from './20261204-0810-rollups-fillfactor.js';
import { traceDevices } from './20261204-0840-trace-devices.js';
import { measurementsRecent } from './20261204-1430-measurements-recent.js';
import { traceIndexes } from './20261204-1800-trace-indexes.js';
import { recentByTime } from './20261205-0900-recent-by-time.js';
import { traceDevicesExact } from './20261205-1600-trace-devices-exact.js';
import { rollupsAtMove } from './20261205-1900-rollups-at-move.js';
import { measurementsCovering } from './20261206-0400-measurements-covering.js';

/**
 * Every migration, in order. One list describes both dialects (columnTypes() and a few
 * explicit branches carry the differences). Never edit a migration that has shipped; add one.
 */
export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001-tenancy': tenancy(dialect),
    '0002-registry': registry(dialect),
    '0003-measurements': measurements(dialect),
    '0004-alerts': alerts(dialect),
    '0005-pipelines': pipelines(dialect),
    '0006-fleet': fleet(dialect),
    '0007-scripts': scripts(dialect),
    '0008-inbox': inbox(dialect),
    '0009-pollers': pollers(dialect),
    '20261202-1630-identity-global': identityGlobal(dialect),
    '20261202-1630-rules': rules(dialect),
    '20261202-1630-sensorthings': sensorthings(dialect),
    '20261202-1700-invitations': invitations(dialect),
    '20261202-1700-values': values(dialect),
    '20261202-1740-default-devices-only': defaultDevicesOnly(dialect),
    '20261202-1800-leases': leases(dialect),
    '20261203-0000-derived-forecasts': derivedForecasts(dialect),
    '20261203-0005-sta-ids': staIds(dialect),
    '20261203-0020-alert-ack-comment': alertAckComment(dialect),
    '20261203-0030-downlink-routes': downlinkRoutes(dialect),
    '20261203-0140-slim-traces': slimTraces(dialect),
    '20261203-0311-rollup-folds': rollupFolds(dialect),
    '20261203-0322-downlink-mqtt-fate': downlinkMqttFate(dialect),
    '20261204-0810-rollups-fillfactor': rollupsFillfactor(dialect),
    '20261204-0840-trace-devices': traceDevices(dialect),
    '20261204-1430-measurements-recent': measurementsRecent(dialect),
    '20261204-1800-trace-indexes': traceIndexes(dialect),
    '20261205-0900-recent-by-time': recentByTime(dialect),
    '20261205-1600-trace-devices-exact': traceDevicesExact(dialect),
    '20261205-1900-rollups-at-move': rollupsAtMove(dialect),
    '20261206-0400-measurements-covering': measurementsCovering(dialect),
  };
}
