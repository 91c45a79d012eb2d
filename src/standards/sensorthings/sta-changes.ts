import type { Database } from '../../db/database.js';
import type { SetName } from './entities.js';

/** An entity created or updated through SensorThings, as rendered for its organisation. */
export interface StaChange {
  orgId: string;
  set: SetName;
  /** The `@iot.id`. */
  id: string | number;
  /** The entity (absolute links of the request's version). */
  entity: Record<string, unknown>;
  /** To-one links of the entity: the parents whose navigation collection it joined (`Things(7)/Datastreams`). */
  parents: { set: SetName; id: string | number; navigation: string }[];
}

type Listener = (change: StaChange) => void;

/**
 * Entity changes from the SensorThings writer to the MQTT extension, which publishes them on
 * entity topics (18-088 §14.2). One channel per database, so the HTTP side and the MQTT side of
 * one Polder meet without a new constructor argument in the composition root.
 */
const channels = new WeakMap<Database, Set<Listener>>();

export function staChanges(database: Database) {
  let listeners = channels.get(database);
  if (!listeners) {
    listeners = new Set();
    channels.set(database, listeners);
  }
  const set = listeners;
  return {
    emit(change: StaChange) {
      for (const l of set) l(change);
    },
    subscribe(listener: Listener): () => void {
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}
