/** Flattens a device's last status ({"heap": …, "sys": {"firmware": …}}) into dotted fields. */
export function flattenStatus(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (value === null || value === undefined) return out;
  if (typeof value !== 'object' || Array.isArray(value)) {
    out[prefix || 'value'] = typeof value === 'string' ? value : JSON.stringify(value);
    return out;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) flattenStatus(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

/** The status fields shown by default: the ones operators look at first, when present. */
export function defaultStatusFields(fields: string[]): string[] {
  const wanted = /(heap|firmware|version|uptime|rssi|ip|temperature|battery)/i;
  const picked = fields.filter((f) => wanted.test(f));
  return (picked.length ? picked : fields).slice(0, 8);
}
