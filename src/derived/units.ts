/**
 * Unit conversions a derived datastream may ask for (`convert: {from, to}`): UCUM codes with SI
 * prefixes over a few base units, temperatures and speeds. Answers the linear map, or undefined
 * when the pair is not convertible.

 */
const PREFIX: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, h: 1e2, da: 10, d: 0.1, c: 1e-2, m: 1e-3, u: 1e-6 };
const BASES = ['Wh', 'W', 'VA', 'var', 'V', 'A', 'Pa', 'bar', 'J', 'Hz', 'm', 'g', 'L', 's'];
const SPECIAL: Record<string, ({ to: string } & Linear)[]> = {
  Cel: [
    { to: '[degF]', num: 9, den: 5, b: 32 },
    { to: 'K', num: 1, den: 1, b: 273.15 },
  ],
  '[degF]': [
    { to: 'Cel', num: 5, den: 9, b: (-32 * 5) / 9 },
    { to: 'K', num: 5, den: 9, b: 273.15 - (32 * 5) / 9 },
  ],
  K: [
    { to: 'Cel', num: 1, den: 1, b: -273.15 },
    { to: '[degF]', num: 9, den: 5, b: -459.67 },
  ],
  'm/s': [{ to: 'km/h', num: 36, den: 10, b: 0 }],
  'km/h': [{ to: 'm/s', num: 10, den: 36, b: 0 }],
  '%': [{ to: '1', num: 1, den: 100, b: 0 }],
  '1': [{ to: '%', num: 100, den: 1, b: 0 }],
};

/** `x * num / den + b` (multiplying then dividing keeps 3300 W → 3.3 kW exact). */
export interface Linear {
  num: number;
  den: number;
  b: number;
}

function split(unit: string): { factor: number; base: string } | undefined {
  for (const base of BASES) {
    if (!unit.endsWith(base)) continue;
    const factor = PREFIX[unit.slice(0, unit.length - base.length)];
    if (factor !== undefined) return { factor, base };
  }
  return undefined;
}

export function conversion(from: string, to: string): Linear | undefined {
  if (from === to) return { num: 1, den: 1, b: 0 };
  const special = SPECIAL[from]?.find((s) => s.to === to);
  if (special) return { num: special.num, den: special.den, b: special.b };
  const f = split(from);
  const t = split(to);
  if (!f || !t || f.base !== t.base) return undefined;
  // Integral factors on both sides where possible (1e3 / 1, 1 / 1e3), never 1e-3.
  return f.factor >= t.factor ? { num: f.factor / t.factor, den: 1, b: 0 } : { num: 1, den: t.factor / f.factor, b: 0 };
}
