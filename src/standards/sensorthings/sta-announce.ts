import type { Database } from '../../db/database.js';
import { type EntitySet, type Row, SETS, type SetName } from './entities.js';
import { emptyOptions } from './query-options.js';
import { type StaChange, staChanges } from './sta-changes.js';
import type { Entity, Scope, StaReader } from './sta-reader.js';

/** An entity a write created or changed, by the registry key its set selects it by (`id` column). */
export interface Touched {
  set: SetName;
  key: string | number;
}

/**
 * Renders created or updated entities as SensorThings answers them and hands them to the MQTT
 * extension (`staChanges`), which publishes them on `v1.x/<Set>(id)` and on the navigation topic
 * of each to-one parent (18-088 §14.2). Used by the SensorThings writer (the POSTed entity and
 * everything its deep insert created) and by the registry listener of `sta-mqtt.ts` (changes
 * made through `/api`). Observations are announced by the measurement events, not here.
 */
export class StaAnnouncer {
  constructor(
    private readonly database: Database,
    private readonly reader: StaReader,
  ) {}

  /** Reads and announces one entity; nothing when it is not (or no longer) visible to the organisation. */
  async announce(scope: Scope, touched: Touched, rendered?: { row: Row; entity: Entity }): Promise<void> {
    const set = SETS[touched.set];
    if (set.name === 'Observations') return;
    let row = rendered?.row;
    let entity = rendered?.entity;
    if (!row || !entity) {
      row = await this.reader.one(scope, set, [{ col: 'id', value: touched.key }]);
      if (!row) return;
      entity = await this.reader.render(scope, set, row, emptyOptions());
    }
    const parents = await this.parentsOf(scope, set, row);
    staChanges(this.database).emit({ orgId: scope.orgId, set: set.name, id: set.idOf(row), entity, parents });
  }

  /** To-one links of the entity: the parents whose navigation collection holds it (`Things(7)/Datastreams`). */
  private async parentsOf(scope: Scope, set: EntitySet, row: Row): Promise<StaChange['parents']> {
    const parents: StaChange['parents'] = [];
    for (const rel of Object.values(set.relations)) {
      if (rel.many || row[rel.parentCol] == null) continue;
      const parentSet = SETS[rel.target];
      const navigation = Object.entries(parentSet.relations).find(([, r]) => r.many && r.target === set.name)?.[0];
      const parent = navigation && (await this.reader.one(scope, parentSet, [{ col: rel.childCol, value: row[rel.parentCol] }]));
      if (parent && navigation) parents.push({ set: parentSet.name, id: parentSet.idOf(parent), navigation });
    }
    return parents;
  }
}
