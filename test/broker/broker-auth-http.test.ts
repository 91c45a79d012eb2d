import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';

/**
 * The HTTP contracts external brokers call, with the exact requests they send
 * (shared/reference/mqtt-http-auth.md): mosquitto-go-auth's http backend in JSON and form mode,
 * and EMQX 5's HTTP authenticator and authorizer.
 */
describe('broker HTTP auth contracts', () => {
  let t: TestPolder;
  beforeAll(async () => {
    t = await startTestPolder('sqlite', { POLDER_MQTT_URL: 'mqtt://polder-svc:svc-secret@127.0.0.1:1883' });
  });
  afterAll(() => t.close());

  // go-auth JSON mode: Go marshals a map, so keys are alphabetical and acc is a number.
  const goJson = (url: string, body: Record<string, unknown>) =>
    t.call(undefined, {
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', 'user-agent': 'mosquitto' },
      payload: JSON.stringify(Object.fromEntries(Object.entries(body).sort())),
    });
  // go-auth form mode: Go's http.Client.PostForm.
  const goForm = (url: string, body: Record<string, string>) =>
    t.call(undefined, {
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Go-http-client/1.1' },
      payload: new URLSearchParams(body).toString(),
    });

  it('go-auth user: admin key and service account granted (2xx, {"ok":true}), others denied (403)', async () => {
    const ok = await goJson('/mqtt/go-auth/user', { username: 'ops-laptop', password: ADMIN_TOKEN, clientid: 'c1' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ ok: true });
    const svc = await goForm('/mqtt/go-auth/user', { username: 'polder-svc', password: 'svc-secret', clientid: 'polder' });
    expect(svc.statusCode).toBe(200);
    const bad = await goJson('/mqtt/go-auth/user', { username: 'ops-laptop', password: 'guess', clientid: 'c1' });
    expect(bad.statusCode).toBe(403);
    expect(bad.json()).toEqual({ ok: false, error: 'bad username or password' });
    const text = await goJson('/mqtt/go-auth/user?mode=text', { username: 'x', password: ADMIN_TOKEN, clientid: 'c' });
    expect(text.statusCode).toBe(200);
    expect(text.body).toBe('ok');
  });

  it('go-auth superuser and acl by username alone, after the login', async () => {
    expect((await goJson('/mqtt/go-auth/superuser', { username: 'ops-laptop' })).statusCode).toBe(200);
    expect((await goForm('/mqtt/go-auth/superuser', { username: 'polder-svc' })).statusCode).toBe(200);
    expect((await goJson('/mqtt/go-auth/superuser', { username: 'stranger' })).statusCode).toBe(403);
    const acl = await goJson('/mqtt/go-auth/acl', {
      acc: 2,
      clientid: 'c1',
      topic: 'u4/301/temperature',
      username: 'ops-laptop',
    });
    expect(acl.statusCode).toBe(200);
    const formAcl = await goForm('/mqtt/go-auth/acl', { acc: '4', clientid: 'c9', topic: 'u4/#', username: 'stranger' });
    expect(formAcl.statusCode).toBe(403);
  });

  it('EMQX authn answers allow with is_superuser, or deny; authz answers allow or deny', async () => {
    const headers = { 'content-type': 'application/json', 'x-request-source': 'EMQX' };
    const allow = await t.call(undefined, {
      method: 'POST',
      url: '/mqtt/emqx/authn?clientid=c1',
      headers,
      payload: { username: 'ops-laptop', password: ADMIN_TOKEN },
    });
    expect(allow.json()).toEqual({ result: 'allow', is_superuser: true });
    const deny = await t.call(undefined, {
      method: 'POST',
      url: '/mqtt/emqx/authn?clientid=c1',
      headers,
      payload: { username: 'ops-laptop', password: 'nope' },
    });
    expect(deny.json()).toEqual({ result: 'deny' });
    const authz = await t.call(undefined, {
      method: 'POST',
      url: '/mqtt/emqx/authz?clientid=c1',
      headers,
      payload: { username: 'stranger', topic: 'u4/301/temperature', action: 'publish' },
    });
    expect(authz.json()).toEqual({ result: 'deny' });
  });

  describe('for a device', () => {
    let login: string;
    let password: string;
    const api = (method: string, url: string, payload?: unknown) =>
      t.call(ADMIN_TOKEN, { method: method as 'GET', url, ...(payload !== undefined && { payload: payload as object }) });
    const acl = (topic: string, acc: number, username = login) =>
      goJson('/mqtt/go-auth/acl', { acc, clientid: 'board-1', topic, username });
    const emqx = (url: string, payload: Record<string, string>) =>
      t.call(undefined, {
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', 'x-request-source': 'EMQX' },
        payload,
      });

    beforeAll(async () => {
      expect((await api('POST', '/api/buildings', { slug: 'u4', name: 'U4' })).statusCode).toBe(201);
      expect((await api('POST', '/api/rooms', { building: 'u4', slug: '301', name: '301' })).statusCode).toBe(201);
      const created = await api('POST', '/api/devices', {
        code: 'rpi3-u4-301',
        type: 'rpi3',
        identity: { kind: 'mac', value: '24:0a:c4:02:8b:60' },
        location: { building: 'u4', room: '301' },
      });
      expect(created.statusCode, created.body).toBe(201);
      const creds = (await t.call(undefined, { url: '/device/credentials?mac=24:0a:c4:02:8b:60' })).json();
      login = creds.login;
      password = creds.password;
      expect(password).toEqual(expect.any(String));
    });

    it('go-auth user: its delivered password is granted in JSON and form mode; a wrong one is denied', async () => {
      const ok = await goJson('/mqtt/go-auth/user', { clientid: 'board-1', password, username: login });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toEqual({ ok: true });
      expect((await goForm('/mqtt/go-auth/user', { username: login, password, clientid: 'board-1' })).statusCode).toBe(200);
      const text = await goJson('/mqtt/go-auth/user?mode=text', { clientid: 'b', password: 'wrong', username: login });
      expect(text.statusCode).toBe(403);
      expect(text.body).not.toBe('ok');
    });

    it('go-auth superuser: a device is not one', async () => {
      expect((await goJson('/mqtt/go-auth/superuser', { username: login })).statusCode).toBe(403);
    });

    it('go-auth acl: write under its base topic, subscribe and read only …/command under it', async () => {
      // acc: 1 read (delivery), 2 write (publish), 4 subscribe
      expect((await acl('u4/301/temperature', 2)).statusCode).toBe(200);
      expect((await acl('u4/301/device', 2)).statusCode).toBe(200);
      expect((await acl('u4/302/temperature', 2)).statusCode).toBe(403);
      expect((await acl('u4/3011/temperature', 2)).statusCode).toBe(403);
      expect((await acl('u4/301/shutter/command', 4)).statusCode).toBe(200);
      expect((await acl('u4/301/+/command', 4)).statusCode).toBe(200);
      expect((await acl('u4/301/#', 4)).statusCode).toBe(403);
      expect((await acl('u4/+/shutter/command', 4)).statusCode).toBe(403);
      expect((await acl('u4/301/temperature', 4)).statusCode).toBe(403);
      expect((await acl('u4/301/shutter/command', 1)).statusCode).toBe(200);
      expect((await acl('u4/301/temperature', 1)).statusCode).toBe(403);
      const form = await goForm('/mqtt/go-auth/acl', { acc: '2', clientid: 'board-1', topic: 'u4/301/co2', username: login });
      expect(form.statusCode).toBe(200);
      const json = await goJson('/mqtt/go-auth/acl?mode=json', { acc: 2, clientid: 'b', topic: 'u4/302/co2', username: login });
      expect(json.json()).toEqual({ ok: false, error: 'not authorised for this topic' });
    });

    it('EMQX: authn allows it (not a superuser); authz allows its topics and denies others', async () => {
      expect((await emqx('/mqtt/emqx/authn?clientid=board-1', { username: login, password })).json()).toEqual({
        result: 'allow',
        is_superuser: false,
      });
      expect((await emqx('/mqtt/emqx/authn?clientid=board-1', { username: login, password: 'x' })).json()).toEqual({
        result: 'deny',
      });
      const authz = async (topic: string, action: string) =>
        (await emqx('/mqtt/emqx/authz?clientid=board-1', { username: login, topic, action })).json().result;
      expect(await authz('u4/301/temperature', 'publish')).toBe('allow');
      expect(await authz('u4/302/temperature', 'publish')).toBe('deny');
      expect(await authz('u4/301/+/command', 'subscribe')).toBe('allow');
      expect(await authz('u4/#', 'subscribe')).toBe('deny');
    });

    it('once disabled, it is denied at login and for every topic', async () => {
      expect((await api('PATCH', '/api/devices/rpi3-u4-301', { enabled: false })).statusCode).toBe(200);
      expect((await goJson('/mqtt/go-auth/user', { clientid: 'b', password, username: login })).statusCode).toBe(403);
      expect((await acl('u4/301/temperature', 2)).statusCode).toBe(403);
      expect((await emqx('/mqtt/emqx/authn', { username: login, password })).json()).toEqual({ result: 'deny' });
      expect((await emqx('/mqtt/emqx/authz', { username: login, topic: 'u4/301/t', action: 'publish' })).json()).toEqual({
        result: 'deny',
      });
    });
  });
});
