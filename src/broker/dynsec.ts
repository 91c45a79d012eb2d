import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../shared/logger.js';

const REQUEST = '$CONTROL/dynamic-security/v1';
const RESPONSE = `${REQUEST}/response`;

export interface DynsecResponse {
  command: string;
  error?: string;
  data?: Record<string, unknown>;
  correlationData?: string;
}

export class DynsecError extends Error {
  constructor(
    readonly command: string,
    readonly reason: string,
  ) {
    super(`dynamic security ${command}: ${reason}`);
  }
}

/**
 * A client of Mosquitto's dynamic-security plugin (shared/reference/mosquitto-dynsec.md):
 * commands are published to $CONTROL/dynamic-security/v1, answers come back on …/response and
 * are matched by correlationData.
 */
export class DynsecClient {
  private readonly waiting = new Map<string, (r: DynsecResponse) => void>();

  private constructor(
    private readonly client: MqttClient,
    private readonly timeoutMs: number,
  ) {
    client.on('message', (topic, payload) => {
      if (topic !== RESPONSE) return;
      let body: { responses?: DynsecResponse[] };
      try {
        body = JSON.parse(payload.toString()) as { responses?: DynsecResponse[] };
      } catch {
        return;
      }
      for (const r of body.responses ?? []) {
        const resolve = r.correlationData ? this.waiting.get(r.correlationData) : undefined;
        if (resolve && r.correlationData) {
          this.waiting.delete(r.correlationData);
          resolve(r);
        }
      }
    });
  }

  /** Connects with credentials that hold the dynsec admin role (`mosquitto_ctrl dynsec init`). */
  static async connect(url: string, logger: Logger, timeoutMs = 3000): Promise<DynsecClient> {
    const client = mqtt.connect(url, {
      clientId: `polder-dynsec-${randomUUID().slice(0, 8)}`,
      clean: true,
      reconnectPeriod: 2000,
    });
    client.on('error', (err) => logger.error({ err }, 'dynsec MQTT client error'));
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.subscribeAsync(RESPONSE, { qos: 1 });
    return new DynsecClient(client, timeoutMs);
  }

  /**
   * Sends commands in one request; resolves with one response per command, in order. Errors
   * are returned, not thrown, so callers can accept "already exists" where it means success.
   */
  async send(commands: Record<string, unknown>[]): Promise<DynsecResponse[]> {
    if (commands.length === 0) return [];
    const tagged = commands.map((c) => ({ ...c, correlationData: randomUUID() }));
    const answers = tagged.map(
      (c) =>
        new Promise<DynsecResponse>((resolve, reject) => {
          const timer = setTimeout(() => {
            this.waiting.delete(c.correlationData);
            reject(new DynsecError(String((c as Record<string, unknown>).command), `no answer within ${this.timeoutMs} ms`));
          }, this.timeoutMs);
          this.waiting.set(c.correlationData, (r) => {
            clearTimeout(timer);
            resolve(r);
          });
        }),
    );
    await this.client.publishAsync(REQUEST, JSON.stringify({ commands: tagged }), { qos: 1 });
    return Promise.all(answers);
  }

  /** Like send, but throws on any error other than the ones listed as acceptable. */
  async must(commands: Record<string, unknown>[], acceptable: RegExp = /^$/): Promise<DynsecResponse[]> {
    const responses = await this.send(commands);
    for (const r of responses) if (r.error && !acceptable.test(r.error)) throw new DynsecError(r.command, r.error);
    return responses;
  }

  close(): Promise<void> {
    return this.client.endAsync();
  }
}
