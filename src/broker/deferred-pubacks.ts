import type { MqttClient, Packet } from 'mqtt';

/**
 * MQTT.js handles a connection's incoming packets one at a time: it looks at the next PUBLISH only
 * after `handleMessage`'s callback ran and the PUBACK was written. With the callback waiting for the
 * durable write, Polder would store one uplink per commit from an external broker. DeferredPubacks
 * lets `handleMessage` answer as soon as a publish is handed over (up to `limit` at once, beyond
 * which the callback waits as before) and holds its PUBACK until the write is durable, sending
 * PUBACKs in the order the PUBLISHes came (MQTT §4.6). A publish that was not stored gets none
 * (the broker redelivers it in the persistent session after a reconnect).
 */
type SendPacket = (packet: Packet, cb?: (err?: Error) => void, ...rest: unknown[]) => void;

export class DeferredPubacks {
  /** PUBACKs to hold, by message id: resolves true once that publish is durable (false: never send). */
  private readonly held = new Map<number, Promise<boolean>>();
  private tail: Promise<unknown> = Promise.resolve();
  private open = 0;

  constructor(
    client: MqttClient,
    private readonly limit = 1000,
  ) {
    const internal = client as unknown as { _sendPacket: SendPacket };
    const send = internal._sendPacket.bind(client);
    internal._sendPacket = (packet, cb, ...rest) => {
      const durable = packet.cmd === 'puback' ? this.held.get(packet.messageId as number) : undefined;
      if (!durable) return send(packet, cb, ...rest);
      this.held.delete(packet.messageId as number);
      void durable.then((ok) => {
        if (ok) send(packet);
      });
      // MQTT.js goes on to the next packet now.
      cb?.();
    };
  }

  /**
   * Resolves once every publish handed over so far is answered (its PUBACK written or refused), or
   * after `timeoutMs` (a shutdown does not wait for ever on a write that never ends).
   */
  async settled(timeoutMs = 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.tail, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    await new Promise((resolve) => setImmediate(resolve));
  }

  /**
   * Calls `answer` (handleMessage's callback) once the publish may be let go: at once while fewer
   * than `limit` are open, else when `accepted` settles. A QoS 1 PUBACK waits for `accepted`.
   */
  handOver(packet: { qos: number; messageId?: number | undefined }, accepted: Promise<unknown>, answer: () => void): void {
    const outcome = accepted.then(
      () => true,
      () => false,
    );
    const turn = this.tail.then(() => outcome);
    this.tail = turn;
    this.open++;
    void turn.then(() => this.open--);
    if (packet.qos === 1 && packet.messageId !== undefined) this.held.set(packet.messageId, turn);
    if (this.open <= this.limit) answer();
    else void turn.then(answer);
  }
}
