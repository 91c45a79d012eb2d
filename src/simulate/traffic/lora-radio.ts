/** What a LoRaWAN uplink looks like on the air: gateways with RSSI/SNR, frequency, spreading factor. */
import { clamp, type Rng, randomHex, round } from './rng.js';

export const EU868_FREQUENCIES = [
  868_100_000, 868_300_000, 868_500_000, 867_100_000, 867_300_000, 867_500_000, 867_700_000, 867_900_000,
];

export interface GatewayReception {
  gatewayEui: string;
  rssi: number;
  snr: number;
  channel: number;
}

/** A device's link: a fixed distance to its gateways (base RSSI) plus fading per uplink. */
export class RadioLink {
  readonly gateways: { eui: string; baseRssi: number }[];
  readonly spreadingFactor: number;

  constructor(rng: Rng, gatewayPool: readonly string[]) {
    const count = 1 + rng.int(0, Math.min(3, gatewayPool.length));
    const start = rng.int(0, gatewayPool.length);
    this.gateways = Array.from({ length: count }, (_, i) => ({
      eui: gatewayPool[(start + i) % gatewayPool.length] as string,
      baseRssi: rng.range(-118, -45),
    }));
    // ADR puts far devices on high spreading factors.
    const best = Math.max(...this.gateways.map((g) => g.baseRssi));
    this.spreadingFactor = best > -90 ? 7 : best > -105 ? 9 : 11;
  }

  /** Who heard this uplink; the whole numbers and quarter-dB SNRs real gateways report. */
  receive(rng: Rng): { frequency: number; receptions: GatewayReception[] } {
    const channel = rng.int(0, EU868_FREQUENCIES.length);
    const receptions = this.gateways.map((g) => {
      const rssi = Math.round(clamp(g.baseRssi + rng.gauss(3), -125, -30));
      // SNR tracks RSSI above the noise floor (≈ −117 dBm at 125 kHz), capped where LoRa saturates.
      const snr = round(clamp((rssi + 117) / 2 + rng.gauss(1.5), -20, 13.5) * 4, 0) / 4;
      return { gatewayEui: g.eui, rssi, snr, channel };
    });
    return { frequency: EU868_FREQUENCIES[channel] as number, receptions };
  }
}

/** The gateway with the highest RSSI (ties: higher SNR), as the envelope workers pick it. */
export function bestReception(receptions: readonly GatewayReception[]): GatewayReception | undefined {
  let best: GatewayReception | undefined;
  for (const r of receptions) {
    if (!best || r.rssi > best.rssi || (r.rssi === best.rssi && r.snr > best.snr)) best = r;
  }
  return best;
}

/** A few gateways shared by every simulated device of a run. */
export const gatewayPool = (rng: Rng, size = 4): string[] => Array.from({ length: size }, () => randomHex(rng, 8));

/** Time on air of a small frame, seconds (rough: enough for `consumed_airtime`). */
export const airtime = (sf: number, bytes: number): number => round((0.0026 * 2 ** (sf - 7) * (20 + bytes)) / 1, 6);
