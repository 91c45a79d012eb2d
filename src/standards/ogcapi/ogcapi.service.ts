import { DomainError } from '../../shared/errors.js';
import type { Principal } from '../../tenancy/tenancy.js';
import { hasScope } from '../../tenancy/tenancy.js';
import { requireScope } from '../../tenancy/tenancy.service.js';
import {
  type Collection,
  type Extent,
  type FeaturePage,
  type FeatureRecord,
  type FeatureStore,
  FIXED_COLLECTIONS,
  type ItemsQuery,
  propertyCollection,
  propertyOfId,
} from './ogcapi.js';

const notFound = (what: string, details: Record<string, unknown>) => new DomainError('NOT_FOUND', `${what} not found`, details);

/** Which collections a caller sees and reads: every call is scoped to the caller's organisation. */
export class OgcApiService {
  constructor(private readonly store: FeatureStore) {}

  /** The collections the caller may read: fixed ones, then one per observed property. */
  async collections(caller: Principal): Promise<Collection[]> {
    const fixed = FIXED_COLLECTIONS.filter((c) => hasScope(caller.scopes, c.scope));
    if (!hasScope(caller.scopes, 'measurements:read')) return fixed;
    const properties = await this.store.observedProperties(caller.orgId);
    return [...fixed, ...properties.map(propertyCollection)];
  }

  /** 404 for an id that names no collection of the caller's organisation (REQ sfc-md-op). */
  async collection(caller: Principal, id: string): Promise<Collection> {
    const fixed = FIXED_COLLECTIONS.find((c) => c.id === id);
    if (fixed) {
      requireScope(caller, fixed.scope);
      return fixed;
    }
    requireScope(caller, 'measurements:read');
    const property = propertyOfId(id);
    const c = propertyCollection(property);
    if (c.id !== id || !(await this.store.hasObservedProperty(caller.orgId, property)))
      throw notFound(`collection ${id}`, { collectionId: id });
    return c;
  }

  extent(caller: Principal, c: Collection): Promise<Extent> {
    return this.store.extent(caller.orgId, c);
  }

  items(caller: Principal, c: Collection, query: ItemsQuery): Promise<FeaturePage> {
    return this.store.items(caller.orgId, c, query);
  }

  /** 404 for an id that is no feature of this collection (REQ f-op). */
  async item(caller: Principal, c: Collection, featureId: string): Promise<FeatureRecord> {
    const f = await this.store.item(caller.orgId, c, featureId);
    if (!f) throw notFound(`feature ${featureId} of collection ${c.id}`, { collectionId: c.id, featureId });
    return f;
  }
}
