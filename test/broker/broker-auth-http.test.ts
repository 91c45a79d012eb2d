import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestPolder, type TestPolder } from '../support/polder.js';
import { createTenant, placeBoard, type Tenant } from './tenants.js';

/**
 * The HTTP contracts external brokers call, with the exact requests they send: mosquitto-go-auth's
 * http backend in JSON and form mode, and EMQX 5's HTTP authenticator and authorizer. Issue 9
 * item 5: served only for the configured broker, superuser only for the platform credential,
 * ACL answers only for a login that authenticated, optionally only to the broker's address.
 */
const SERVICE = { POLDER_MQTT_URL: 'mqtt://polder-svc:svc-secret@127.0.0.1:1883' };

// go-auth JSON mode: Go marshals a map, so keys are alphabetical and acc is a number.
const goJson = (t: TestPolder, url: string, body: Record<string, unknown>, remoteAddress?: string) =>
  t.call(undefined, {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', 'user-agent': 'mosquitto' },
    payload: JSON.stringify(Object.fromEntries(Object.entries(body).sort())),
    ...(remoteAddress && { remoteAddress }),
  });
// go-auth form mode: Go's http.Client.PostForm.
const goForm = (t: TestPolder, url: string, body: Record<string, string>) =>
  t.call(undefined, {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Go-http-client/1.1' },
    payload: new URLSearchParams(body).toString(),
  });
const emqx = (t: TestPolder, url: string, payload: Record<string, string>) =>
  t.call(undefined, {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', 'x-request-source': 'EMQX' },
    payload,
  });

describe('broker HTTP auth routes are off by default', () => {
  let t: TestPolder;
  beforeAll(async () => {
    t = await startTestPolder('sqlite', SERVICE);
  });
  afterAll(() => t.close());

  it('answers 404 on /mqtt/go-auth/* and /mqtt/emqx/* without POLDER_MQTT_AUTH_ROUTES', async () => {
    expect((await goJson(t, '/mqtt/go-auth/superuser', { username: 'x' })).statusCode).toBe(404);
    expect((await emqx(t, '/mqtt/emqx/authn', { username: 'x', password: ADMIN_TOKEN })).statusCode).toBe(404);
  });
});

describe('mosquitto-go-auth routes (POLDER_MQTT_AUTH_ROUTES=go-auth)', () => {
  let t: TestPolder;
  let alpha: Tenant;
  let beta: Tenant;
  let board: { login: string; password: string };
  const acl = (topic: string, acc: number, username: string) =>
    goJson(t, '/mqtt/go-auth/acl', { acc, clientid: 'c-1', topic, username });

  beforeAll(async () => {
    t = await startTestPolder('sqlite', { ...SERVICE, POLDER_MQTT_AUTH_ROUTES: 'go-auth' });
    alpha = await createTenant(t, 'alpha');
    beta = await createTenant(t, 'beta');
    board = await placeBoard(t, alpha.admin, { code: 'rpi3-u4-301', mac: '24:0a:c4:02:8b:60', building: 'u4', room: '301' });
  });
  afterAll(() => t.close());

  it('user: the platform token, the service account, a key and a device are granted; a wrong password is denied', async () => {
    const ok = await goJson(t, '/mqtt/go-auth/user', { username: 'ops-laptop', password: ADMIN_TOKEN, clientid: 'c1' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ ok: true });
    expect((await goForm(t, '/mqtt/go-auth/user', { username: 'polder-svc', password: 'svc-secret' })).statusCode).toBe(200);
    const bad = await goJson(t, '/mqtt/go-auth/user', { username: 'ops-laptop', password: 'guess', clientid: 'c1' });
    expect(bad.statusCode).toBe(403);
    expect(bad.json()).toEqual({ ok: false, error: 'bad username or password' });
    const text = await goJson(t, '/mqtt/go-auth/user?mode=text', { username: 'x', password: ADMIN_TOKEN, clientid: 'c' });
    expect(text.body).toBe('ok');
  });

  it('superuser: only the platform credential and the service account; never an organisation admin key', async () => {
    expect((await goJson(t, '/mqtt/go-auth/user', { username: 'beta-ops', password: beta.admin })).statusCode).toBe(200);
    expect((await goJson(t, '/mqtt/go-auth/superuser', { username: 'beta-ops' })).statusCode).toBe(403);
    expect((await goJson(t, '/mqtt/go-auth/superuser', { username: 'ops-laptop' })).statusCode).toBe(200);
    expect((await goForm(t, '/mqtt/go-auth/superuser', { username: 'polder-svc' })).statusCode).toBe(200);
    expect((await goJson(t, '/mqtt/go-auth/superuser', { username: 'stranger' })).statusCode).toBe(403);
  });

  it('acl: no answer for a login that has not authenticated (no oracle of device logins or topics)', async () => {
    expect((await acl('u4/301/temperature', 2, board.login)).statusCode).toBe(403);
    expect((await acl('u4/301/shutter/command', 4, board.login)).statusCode).toBe(403);
    expect((await goJson(t, '/mqtt/go-auth/user', { username: board.login, password: board.password })).statusCode).toBe(200);
    expect((await acl('u4/301/temperature', 2, board.login)).statusCode).toBe(200);
  });

  it('acl for a device: write under its base topic, subscribe and read only …/command under it', async () => {
    // acc: 1 read (delivery), 2 write (publish), 4 subscribe
    await goJson(t, '/mqtt/go-auth/user', { username: board.login, password: board.password });
    const cases: [string, number, number][] = [
      ['u4/301/temperature', 2, 200],
      ['u4/301/device', 2, 200],
      ['u4/302/temperature', 2, 403],
      ['u4/3011/temperature', 2, 403],
      ['u4/301/shutter/command', 4, 200],
      ['u4/301/+/command', 4, 200],
      ['u4/301/#', 4, 403],
      ['u4/+/shutter/command', 4, 403],
      ['u4/301/shutter/command', 1, 200],
      ['u4/301/temperature', 1, 403],
    ];
    for (const [topic, acc, status] of cases)
      expect((await acl(topic, acc, board.login)).statusCode, `${acc} ${topic}`).toBe(status);
    const json = await goJson(t, '/mqtt/go-auth/acl?mode=json', {
      acc: 2,
      clientid: 'b',
      topic: 'u4/302/co2',
      username: board.login,
    });
    expect(json.json()).toEqual({ ok: false, error: 'not authorised for this topic' });
  });

  it("acl for an organisation key: its own topics only; a '#' subscription is narrowed by the per-message read check", async () => {
    await goJson(t, '/mqtt/go-auth/user', { username: 'beta-ops', password: beta.admin });
    expect((await acl('#', 4, 'beta-ops')).statusCode).toBe(200);
    expect((await acl('u4/301/temperature', 1, 'beta-ops')).statusCode).toBe(403);
    expect((await acl('u4/301/shutter/command', 2, 'beta-ops')).statusCode).toBe(403);
    expect((await acl('polder/alpha/alerts', 1, 'beta-ops')).statusCode).toBe(403);
    expect((await acl('polder/beta/alerts', 1, 'beta-ops')).statusCode).toBe(200);
    await goJson(t, '/mqtt/go-auth/user', { username: 'alpha-ops', password: alpha.admin });
    expect((await acl('u4/301/temperature', 1, 'alpha-ops')).statusCode).toBe(200);
    expect((await acl('u4/301/shutter/command', 2, 'alpha-ops')).statusCode).toBe(200);
  });

  it('a disabled device is denied at login and for every topic', async () => {
    await goJson(t, '/mqtt/go-auth/user', { username: board.login, password: board.password });
    const patch = await t.call(alpha.admin, { method: 'PATCH', url: '/api/devices/rpi3-u4-301', payload: { enabled: false } });
    expect(patch.statusCode).toBe(200);
    expect((await goJson(t, '/mqtt/go-auth/user', { username: board.login, password: board.password })).statusCode).toBe(403);
    expect((await acl('u4/301/temperature', 2, board.login)).statusCode).toBe(403);
  });
});

describe('EMQX routes (POLDER_MQTT_AUTH_ROUTES=emqx)', () => {
  let t: TestPolder;
  let alpha: Tenant;
  let beta: Tenant;
  let board: { login: string; password: string };
  const authz = async (username: string, topic: string, action: string) =>
    (await emqx(t, '/mqtt/emqx/authz?clientid=c-1', { username, topic, action })).json().result;

  beforeAll(async () => {
    t = await startTestPolder('sqlite', { ...SERVICE, POLDER_MQTT_AUTH_ROUTES: 'emqx' });
    alpha = await createTenant(t, 'alpha');
    beta = await createTenant(t, 'beta');
    board = await placeBoard(t, alpha.admin, { code: 'rpi3-u4-301', mac: '24:0a:c4:02:8b:60', building: 'u4', room: '301' });
  });
  afterAll(() => t.close());

  it('authn: is_superuser only for the platform token; organisation keys and devices are not', async () => {
    expect((await emqx(t, '/mqtt/emqx/authn', { username: 'ops', password: ADMIN_TOKEN })).json()).toEqual({
      result: 'allow',
      is_superuser: true,
    });
    expect((await emqx(t, '/mqtt/emqx/authn', { username: 'beta-ops', password: beta.admin })).json()).toEqual({
      result: 'allow',
      is_superuser: false,
    });
    expect((await emqx(t, '/mqtt/emqx/authn', { username: board.login, password: board.password })).json()).toEqual({
      result: 'allow',
      is_superuser: false,
    });
    expect((await emqx(t, '/mqtt/emqx/authn', { username: 'ops', password: 'nope' })).json()).toEqual({ result: 'deny' });
  });

  it('authz: deny for a login that has not authenticated', async () => {
    expect(await authz('stranger', 'u4/301/temperature', 'publish')).toBe('deny');
    expect(await authz('alpha-ops', 'u4/301/temperature', 'subscribe')).toBe('deny');
  });

  it('authz: a device its own topics; a key subscribes only to filters wholly its own (EMQX checks no delivery)', async () => {
    await emqx(t, '/mqtt/emqx/authn', { username: board.login, password: board.password });
    expect(await authz(board.login, 'u4/301/temperature', 'publish')).toBe('allow');
    expect(await authz(board.login, 'u4/302/temperature', 'publish')).toBe('deny');
    expect(await authz(board.login, 'u4/301/+/command', 'subscribe')).toBe('allow');
    expect(await authz(board.login, 'u4/#', 'subscribe')).toBe('deny');
    await emqx(t, '/mqtt/emqx/authn', { username: 'beta-ops', password: beta.admin });
    expect(await authz('beta-ops', '#', 'subscribe')).toBe('deny');
    expect(await authz('beta-ops', '+/+/+', 'subscribe')).toBe('deny');
    expect(await authz('beta-ops', 'polder/beta/#', 'subscribe')).toBe('allow');
    expect(await authz('beta-ops', 'u4/301/shutter/command', 'publish')).toBe('deny');
    await emqx(t, '/mqtt/emqx/authn', { username: 'alpha-ops', password: alpha.admin });
    expect(await authz('alpha-ops', 'u4/301/#', 'subscribe')).toBe('allow');
    expect(await authz('alpha-ops', 'u4/301/shutter/command', 'publish')).toBe('allow');
  });
});

describe('POLDER_MQTT_AUTH_ALLOW limits the routes to the broker', () => {
  let t: TestPolder;
  beforeAll(async () => {
    t = await startTestPolder('sqlite', {
      ...SERVICE,
      POLDER_MQTT_AUTH_ROUTES: 'go-auth',
      POLDER_MQTT_AUTH_ALLOW: '10.1.2.0/24',
    });
  });
  afterAll(() => t.close());

  it('answers the allowed network and refuses others with 403 in the error envelope', async () => {
    const body = { username: 'ops', password: ADMIN_TOKEN, clientid: 'c' };
    expect((await goJson(t, '/mqtt/go-auth/user', body, '10.1.2.7')).statusCode).toBe(200);
    const other = await goJson(t, '/mqtt/go-auth/user', body, '10.1.3.7');
    expect(other.statusCode).toBe(403);
    expect(other.json().error).toMatchObject({ code: 'FORBIDDEN' });
  });
});
