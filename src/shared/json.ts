/**
 * JSON columns are `jsonb` on PostgreSQL (the driver parses them) and `text` on SQLite (we
 * parse them): reading goes through one function so the two look the same to the domain.
 */
export function fromJsonColumn<T = unknown>(value: unknown, fallback: T): T {
  if (value == null) return fallback;
  if (typeof value === 'string') return JSON.parse(value) as T;
  return value as T;
}

export const toJsonColumn = (value: unknown): string => JSON.stringify(value ?? null);
