export type {
  BodyOf,
  Device,
  DeviceQuery,
  LatestValue,
  MeasurementPage,
  MeasurementQuery,
  MeasurementRow,
  Method,
  Operation,
  PathsWith,
  QueryOf,
  RequestOptions,
  ResponseBody,
  Schemas,
} from './api-types.js';
export type { components, paths } from './generated/openapi.js';
export { DEFAULT_PAGE_SIZE, PolderClient, type PolderClientOptions } from './polder-client.js';
export { PolderError } from './polder-error.js';
