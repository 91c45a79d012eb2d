/**
 * Device identities, stored in one canonical notation so that every way of writing the same
 * identifier finds the same device:
 * - mac: lower-case hex pairs joined by `:` (what the neOCampus firmware sends: `%02x:%02x…`);
 *   accepts `:`, `-`, `.` (Cisco `240a.c402.8b60`) or no separator, any case;
 * - deveui: 16 upper-case hex digits (LoRaWAN EUI-64 as TTN and ChirpStack print it); accepts
 *   separators and lower case;
 * - uuid: canonical lower-case 8-4-4-4-12 (accepts braces, upper case, no dashes);
 * - serial: trimmed, otherwise as given.
 */
export const IDENTITY_KINDS = ['mac', 'deveui', 'uuid', 'serial'] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

export interface Identity {
  kind: IdentityKind;
  value: string;
}

const SEPARATORS = /[:\-.\s]/g;

function hexOnly(value: string): string | undefined {
  const hex = value.trim().replace(SEPARATORS, '');
  return /^[0-9a-fA-F]*$/.test(hex) ? hex : undefined;
}

/** The canonical value, or undefined when `value` is not an identity of that kind. */
export function normaliseIdentityValue(kind: IdentityKind, value: string): string | undefined {
  switch (kind) {
    case 'mac': {
      const hex = hexOnly(value);
      if (hex?.length !== 12) return undefined;
      return hex.toLowerCase().match(/../g)?.join(':');
    }
    case 'deveui': {
      const hex = hexOnly(value);
      return hex?.length === 16 ? hex.toUpperCase() : undefined;
    }
    case 'uuid': {
      const hex = value
        .trim()
        .replace(/^\{(.*)\}$/, '$1')
        .replace(/^urn:uuid:/i, '')
        .replaceAll('-', '');
      if (!/^[0-9a-fA-F]{32}$/.test(hex)) return undefined;
      const h = hex.toLowerCase();
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }
    case 'serial': {
      const s = value.trim();
      return s.length > 0 && s.length <= 128 ? s : undefined;
    }
  }
}

export const IDENTITY_EXAMPLES: Record<IdentityKind, string> = {
  mac: '24:0a:c4:02:8b:60, 24-0A-C4-02-8B-60, 240a.c402.8b60 or 240AC4028B60',
  deveui: '16 hex digits, e.g. 70B3D57ED005A1B2',
  uuid: 'e.g. 0190a6e4-5b1c-7d2e-8f3a-1b2c3d4e5f60',
  serial: '1 to 128 characters',
};

/**
 * An identity given without its kind (a search box): every kind it could be, canonical.
 * `24-0A-C4-02-8B-60` could only be a MAC; `abc` only a serial.
 */
export function identityCandidates(value: string): Identity[] {
  const out: Identity[] = [];
  for (const kind of IDENTITY_KINDS) {
    const v = normaliseIdentityValue(kind, value);
    if (v !== undefined) out.push({ kind, value: v });
  }
  return out;
}
