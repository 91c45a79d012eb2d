import { randomSecret } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { type DynsecClient, DynsecError } from './dynsec.js';
import { deviceDynsecAcls as deviceAcls } from './topic-policy.js';

/** What the broker must know of a device that logs in over MQTT. */
export interface MqttAccount {
  login: string;
  /** Null: the device has nowhere to publish yet (no ACL). */
  baseTopic: string | null;
  enabled: boolean;
}

const MANAGED = 'managed by Polder';
const rolename = (login: string) => `polder-device-${login}`;
export const SERVICE_ROLE = 'polder-service';

/** ACLs compared as sets: the broker may list them in another order. */
const aclKey = (acls: unknown[]) =>
  acls
    .map((a) => {
      const { acltype, topic, priority, allow } = a as Record<string, unknown>;
      return JSON.stringify([acltype, topic, priority ?? -1, allow]);
    })
    .sort()
    .join('|');

/**
 * Keeps an external Mosquitto's dynamic-security clients and roles in step with the registry:
 * one client and one role per MQTT device, marked as managed so that reconcile never touches
 * the broker's own accounts.
 */
export class DynsecSync {
  constructor(
    private readonly dynsec: DynsecClient,
    private readonly logger: Logger,
  ) {}

  /** Gives Polder's own account (the POLDER_MQTT_URL user) the rights it needs: all topics. */
  async grantService(username: string): Promise<void> {
    await this.dynsec.must(
      [
        {
          command: 'createRole',
          rolename: SERVICE_ROLE,
          textdescription: MANAGED,
          acls: [
            { acltype: 'publishClientSend', topic: '#', priority: 0, allow: true },
            { acltype: 'publishClientReceive', topic: '#', priority: 0, allow: true },
            { acltype: 'subscribePattern', topic: '#', priority: 0, allow: true },
          ],
        },
      ],
      /already exists/,
    );
    const [got] = await this.dynsec.must([{ command: 'getClient', username }]);
    const roles = ((got?.data?.client as { roles?: { rolename: string }[] } | undefined)?.roles ?? []).map((r) => r.rolename);
    if (roles.includes(SERVICE_ROLE)) return;
    // Changing a client's roles kicks its sessions; when that client is this connection the
    // answer is lost, so a timeout here is expected (MQTT.js reconnects and resubscribes).
    await this.dynsec
      .send([{ command: 'addClientRole', username, rolename: SERVICE_ROLE, priority: 10 }])
      .catch((err: unknown) => {
        if (!(err instanceof DynsecError)) throw err;
        this.logger.info({ username }, 'granted the service role (own session was kicked, as expected)');
      });
  }

  /**
   * Creates or updates the device's client and role; a new client has no password until one is
   * issued. Reads first and writes only what differs: the plugin rewrites its whole JSON file
   * after every change, so a reconcile of an unchanged fleet must write nothing. A device whose
   * ACLs changed (it moved) is kicked, as the embedded broker does, so it reconnects to its new place.
   */
  async upsert(a: MqttAccount): Promise<void> {
    const name = rolename(a.login);
    const acls = deviceAcls(a.baseTopic);
    const [role, client] = await this.dynsec.send([
      { command: 'getRole', rolename: name },
      { command: 'getClient', username: a.login },
    ]);
    const writes: Record<string, unknown>[] = [];
    let kick = false;
    const held = (role?.data?.role as { acls?: unknown[] } | undefined)?.acls;
    if (role?.error) writes.push({ command: 'createRole', rolename: name, textdescription: MANAGED, acls });
    else if (aclKey(held ?? []) !== aclKey(acls)) {
      writes.push({ command: 'modifyRole', rolename: name, acls });
      kick = true;
    }
    const got = client?.data?.client as { roles?: { rolename: string }[]; disabled?: boolean } | undefined;
    if (client?.error) {
      writes.push({ command: 'createClient', username: a.login, textdescription: MANAGED, roles: [{ rolename: name }] });
      if (!a.enabled) writes.push({ command: 'disableClient', username: a.login });
    } else {
      if (!(got?.roles ?? []).some((r) => r.rolename === name))
        writes.push({ command: 'addClientRole', username: a.login, rolename: name });
      const disabled = got?.disabled === true;
      if (disabled !== !a.enabled) writes.push({ command: a.enabled ? 'enableClient' : 'disableClient', username: a.login });
      else if (kick && a.enabled)
        writes.push({ command: 'disableClient', username: a.login }, { command: 'enableClient', username: a.login });
    }
    await this.dynsec.must(writes);
  }

  async setPassword(login: string, password: string): Promise<void> {
    await this.dynsec.must([{ command: 'setClientPassword', username: login, password }]);
  }

  /** The old password stops working and connected sessions are closed (disable kicks them). */
  async revokePassword(login: string, enabled: boolean): Promise<void> {
    await this.dynsec.must([
      { command: 'setClientPassword', username: login, password: randomSecret(24) },
      { command: 'disableClient', username: login },
      ...(enabled ? [{ command: 'enableClient', username: login }] : []),
    ]);
  }

  async remove(login: string): Promise<void> {
    await this.dynsec.must(
      [
        { command: 'deleteClient', username: login },
        { command: 'deleteRole', rolename: rolename(login) },
      ],
      /not found/,
    );
  }

  /**
   * Makes the broker's managed accounts equal to the registry's: creates what is missing,
   * updates ACLs and enabled flags, deletes managed clients the registry no longer has.
   * Passwords cannot be restored (Polder keeps only digests): a device whose client had to be
   * created here needs a credentials reset, which is logged.
   */
  async reconcile(accounts: MqttAccount[]): Promise<{ created: number; updated: number; deleted: number }> {
    const [list] = await this.dynsec.must([{ command: 'listClients', verbose: true, count: -1 }]);
    const clients = ((list?.data?.clients ?? []) as { username: string; textdescription?: string }[]).filter(
      (c) => c.textdescription === MANAGED,
    );
    const existing = new Set(clients.map((c) => c.username));
    const wanted = new Map(accounts.map((a) => [a.login, a]));
    let created = 0;
    for (const a of accounts) {
      if (!existing.has(a.login)) {
        created++;
        this.logger.warn({ login: a.login }, 'device missing from the broker: created without password; reset its credentials');
      }
      await this.upsert(a);
    }
    const stale = [...existing].filter((u) => !wanted.has(u));
    for (const login of stale) await this.remove(login);
    return { created, updated: accounts.length - created, deleted: stale.length };
  }
}
