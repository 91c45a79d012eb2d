/**
 * The OpenAPI 3.0 definition of /ogc (conformance class oas30, OGC 17-069r4 §8): every path,
 * every query parameter a resource accepts (anything else is a 400), the media types.
 * Fixed collections get their own items path listing their property filters; the template
 * path carries the filters of the observed-property collections.
 */
import { CRS84, DEFAULT_LIMIT, FIXED_COLLECTIONS, type FilterDef, MAX_LIMIT, PROPERTY_FILTERS, SUPPORTED_CRS } from './ogcapi.js';
import { GEOJSON, HTML, JSON_TYPE } from './ogcapi-documents.js';

const ref = (name: string) => ({ $ref: `#/components/parameters/${name}` });
const content = (type: string, schema: object = { type: 'object' }) => ({
  [type]: { schema },
  [HTML]: { schema: { type: 'string' } },
});
const error = { $ref: '#/components/responses/Error' };
const errors = { '400': error, '401': error, '403': error, '404': error };

const filterParam = (f: FilterDef) => ({
  name: f.name,
  in: 'query',
  required: false,
  description: `${f.description}; comma-separated values are alternatives`,
  style: 'form',
  explode: false,
  schema: { type: 'array', items: { type: f.type } },
});

function itemsOperation(summary: string, filters: FilterDef[]) {
  return {
    get: {
      summary,
      parameters: [
        ...(summary.includes('{collectionId}') ? [ref('collectionId')] : []),
        ref('f'),
        ref('limit'),
        ref('bbox'),
        ref('bbox-crs'),
        ref('crs'),
        ref('datetime'),
        ref('cursor'),
        ref('filter'),
        ref('filter-lang'),
        ...filters.map(filterParam),
      ],
      responses: { '200': { description: 'The features (GeoJSON FeatureCollection)', content: content(GEOJSON) }, ...errors },
    },
  };
}

const simple = (summary: string, type = JSON_TYPE, params: object[] = []) => ({
  get: {
    summary,
    parameters: [...params, ref('f')],
    responses: { '200': { description: summary, content: content(type) }, ...errors },
  },
});

export function openApiDocument(base: string, version: string) {
  const fixedItems = Object.fromEntries(
    FIXED_COLLECTIONS.map((c) => [`/collections/${c.id}/items`, itemsOperation(`${c.title}: ${c.description}`, c.filters)]),
  );
  return {
    openapi: '3.0.3',
    info: {
      title: 'Polder OGC API – Features',
      version,
      description:
        'OGC API – Features Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0) over Polder. Pass an API key as `Authorization: Bearer <key>`, or sign in (session cookie).',
    },
    servers: [{ url: base }],
    security: [{ apiKey: [] }, { session: [] }],
    paths: {
      '/': simple('Landing page'),
      '/conformance': simple('Conformance classes implemented by this server'),
      '/api': simple('This API definition', 'application/vnd.oai.openapi+json;version=3.0'),
      '/collections': simple('The feature collections'),
      '/collections/{collectionId}': simple('One feature collection', JSON_TYPE, [ref('collectionId')]),
      ...fixedItems,
      '/collections/{collectionId}/items': itemsOperation(
        'Features of /collections/{collectionId} (observed-property collections: latest value per datastream)',
        PROPERTY_FILTERS,
      ),
      '/collections/{collectionId}/queryables': simple(
        'The queryables of a collection (JSON Schema)',
        'application/schema+json',
        [ref('collectionId')],
      ),
      '/collections/{collectionId}/items/{featureId}': simple('One feature', GEOJSON, [
        ref('collectionId'),
        ref('featureId'),
        ref('crs'),
      ]),
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'API key: Authorization: Bearer <key>' },
        session: { type: 'apiKey', in: 'cookie', name: 'polder_session' },
      },
      parameters: {
        collectionId: { name: 'collectionId', in: 'path', required: true, schema: { type: 'string' } },
        featureId: { name: 'featureId', in: 'path', required: true, schema: { type: 'string' } },
        f: {
          name: 'f',
          in: 'query',
          required: false,
          description: 'Response format (else chosen by the Accept header)',
          schema: { type: 'string', enum: ['json', 'html'] },
        },
        limit: {
          name: 'limit',
          in: 'query',
          required: false,
          style: 'form',
          explode: false,
          description: `Features per page; above ${MAX_LIMIT} is read as ${MAX_LIMIT}`,
          schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
        },
        bbox: {
          name: 'bbox',
          in: 'query',
          required: false,
          style: 'form',
          explode: false,
          description: 'minLon,minLat,maxLon,maxLat (CRS84); features without a place match too',
          schema: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } },
        },
        crs: {
          name: 'crs',
          in: 'query',
          required: false,
          description: 'CRS of the geometries (Part 2): CRS84 (longitude, latitude; the default) or EPSG:4326 (latitude first)',
          schema: { type: 'string', format: 'uri', enum: SUPPORTED_CRS, default: CRS84 },
        },
        'bbox-crs': {
          name: 'bbox-crs',
          in: 'query',
          required: false,
          description: 'CRS of bbox (Part 2): CRS84 (the default) or EPSG:4326 (minLat,minLon,maxLat,maxLon)',
          schema: { type: 'string', format: 'uri', enum: SUPPORTED_CRS, default: CRS84 },
        },
        datetime: {
          name: 'datetime',
          in: 'query',
          required: false,
          style: 'form',
          explode: false,
          description: 'RFC 3339 instant or interval (a/b, ../b, a/..); features without a time match too',
          schema: { type: 'string' },
        },
        cursor: {
          name: 'cursor',
          in: 'query',
          required: false,
          description: 'Opaque position, from a next link',
          schema: { type: 'string' },
        },
        filter: {
          name: 'filter',
          in: 'query',
          required: false,
          description: "Basic CQL2 text on the collection's property filters, e.g. state = 'online' AND type = 'esp32'",
          schema: { type: 'string' },
        },
        'filter-lang': {
          name: 'filter-lang',
          in: 'query',
          required: false,
          schema: { type: 'string', enum: ['cql2-text'], default: 'cql2-text' },
        },
      },
      responses: {
        Error: {
          description: 'Error envelope {"error":{"code","message","details"}}',
          content: {
            [JSON_TYPE]: { schema: { type: 'object', required: ['error'], properties: { error: { type: 'object' } } } },
          },
        },
      },
    },
  };
}
