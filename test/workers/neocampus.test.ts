import { describe, expect, it } from 'vitest';
import { runBuiltin } from '../../src/workers/catalog.js';
import { drafts, messageOf, reference } from './fixtures.js';

const md = reference('neocampus.md');
/** The inline JSON sample of the reference that starts with `prefix`. */
const sample = (prefix: string): string => {
  const m = [...md.matchAll(/`(\{[^`]*\})`/g)].map((x) => x[1] ?? '').find((s) => s.startsWith(prefix));
  if (!m) throw new Error(`no sample starting with ${prefix} in neocampus.md`);
  return m;
};
const mqtt = (body: string, topic: string) => messageOf(body, { kind: 'mqtt', topic });

describe('neocampus', () => {
  it('reads the real stored temperature message (value as a string)', async () => {
    const out = await runBuiltin('neocampus', mqtt(sample('{"subID":"ouest"'), 'u4/302/temperature'));
    expect(drafts(out)).toEqual([{ sensor: 'ouest', observedProperty: 'temperature', unit: 'Cel', value: 15 }]);
    expect(out.device).toEqual({ topic: 'u4/302' });
    expect(out.metadata).toMatchObject({ provider: 'neocampus', module: 'temperature', unitID: 'outside', event: 'uplink' });
  });

  it("reads the firmware's temperature message shape (number value)", async () => {
    const out = await runBuiltin('neocampus', mqtt(sample('{"value": 21.375'), 'irit2/366/temperature'));
    expect(drafts(out)).toEqual([{ sensor: '<sensor subID>', observedProperty: 'temperature', unit: 'Cel', value: 21.375 }]);
    expect(out.device).toEqual({ topic: 'irit2/366' });
  });

  it('reads the energy meter array: one draft per value, units from value_units', async () => {
    const out = await runBuiltin('neocampus', mqtt(sample('{"value":[246078'), 'u4/302/energy'));
    expect(drafts(out)).toEqual([
      { sensor: 'prises1', observedProperty: 'energy', unit: 'W.h', value: 246078 },
      { sensor: 'prises1', observedProperty: 'active_energy_import', unit: 'W.h', value: 246070 },
      { sensor: 'prises1', observedProperty: 'voltage', unit: 'V', value: 234.27 },
      { sensor: 'prises1', observedProperty: 'current', unit: 'A', value: 0.12 },
      { sensor: 'prises1', observedProperty: 'power', unit: 'W', value: 10 },
      { sensor: 'prises1', observedProperty: 'reactive_power', unit: 'V.A', value: 30 },
      { sensor: 'prises1', observedProperty: 'apparent_power', unit: 'V.A', value: 30 },
      { sensor: 'prises1', observedProperty: 'power_factor', unit: '1', value: 0.2 },
    ]);
    expect(out.metadata.unitID).toBe('modbus_rs485');
  });

  it('the module name is the property when the unit does not imply one (ppm on …/co2)', async () => {
    const body = sample('{"subID":"ouest"').replace('"celsius"', '"ppm"').replace('"15.00"', '"612"');
    const out = await runBuiltin('neocampus', mqtt(body, 'u4/302/co2'));
    expect(drafts(out)).toEqual([{ sensor: 'ouest', observedProperty: 'co2', unit: '[ppm]', value: 612 }]);
  });

  it('numbers repeated properties of one array (three phases)', async () => {
    const body = JSON.stringify({ value: [230.1, 231.2, 229.8], value_units: ['v', 'v', 'v'], subID: 'tgbt' });
    const out = await runBuiltin('neocampus', mqtt(body, 'u4/302/energy'));
    expect(out.measurements.map((m) => m.observedProperty)).toEqual(['voltage_1', 'voltage_2', 'voltage_3']);
  });

  it('skips orders on …/command topics and status messages without a value', async () => {
    const order = await runBuiltin('neocampus', mqtt(sample('{"dest":"all","order":"status"}'), 'u4/302/temperature/command'));
    expect(order.metadata).toMatchObject({ event: 'command', skip: expect.any(String) });
    expect(order.measurements).toEqual([]);
    const shutter = await runBuiltin('neocampus', mqtt('{"status":"OPEN","unitID":"front"}', '014/shutter/'));
    expect(shutter.metadata).toMatchObject({ event: 'status', module: 'shutter', status: { status: 'OPEN', unitID: 'front' } });
    expect(shutter.device).toEqual({ topic: '014' });
    expect(shutter.measurements).toEqual([]);
  });

  it('fails what it cannot read, naming the field', async () => {
    await expect(
      runBuiltin('neocampus', mqtt('{"value":"n/a","value_units":"celsius"}', 'u4/302/temperature')),
    ).rejects.toMatchObject({
      code: 'DECODE_FAILED',
      message: 'neocampus: value "n/a" is not a number, but value_units "celsius" is a unit of numbers',
      details: { field: 'value' },
    });
    await expect(runBuiltin('neocampus', mqtt('{"value":null,"subID":"x"}', 'u4/302/lighting'))).rejects.toMatchObject({
      message: 'neocampus: value is null: nothing to store',
      details: { field: 'value' },
    });
    await expect(runBuiltin('neocampus', mqtt('{"value":[1,2],"value_units":["v"]}', 'u4/302/energy'))).rejects.toMatchObject({
      message: expect.stringContaining('value has 2 items but value_units has 1 (received value_units ["v"])'),
      details: { field: 'value_units' },
    });
    await expect(runBuiltin('neocampus', mqtt('{"value":3,"value_units":["v","a"]}', 'u4/302/energy'))).rejects.toMatchObject({
      message: expect.stringContaining('received value_units ["v","a"]'),
      details: { field: 'value_units' },
    });
    await expect(runBuiltin('neocampus', mqtt('not json', 'u4/302/temperature'))).rejects.toMatchObject({
      code: 'DECODE_FAILED',
    });
  });

  it('keeps a value with an unknown unit as a UCUM annotation, with a warning', async () => {
    const out = await runBuiltin('neocampus', mqtt('{"value":3,"value_units":"bogomips","subID":"x"}', 'u4/302/cpu'));
    expect(drafts(out)).toEqual([{ sensor: 'x', observedProperty: 'cpu', unit: '{bogomips}', value: 3 }]);
    expect(out.metadata.warnings).toEqual([expect.stringContaining('bogomips')]);
  });

  // Issue 9 item 14: values that were dead letters.
  it('keeps text, booleans and JSON as values of their own kind, without a unit unless one is given', async () => {
    const on = await runBuiltin('neocampus', mqtt('{"value":"on","subID":"relay1","unitID":"front"}', 'u4/302/lighting'));
    expect(drafts(on)).toEqual([{ sensor: 'relay1', observedProperty: 'lighting', unit: '', value: 'on' }]);
    const empty = await runBuiltin('neocampus', mqtt('{"value":"OPEN","value_units":"","subID":"s"}', 'u4/302/shutter'));
    expect(drafts(empty)).toEqual([{ sensor: 's', observedProperty: 'shutter', unit: '', value: 'OPEN' }]);
    const presence = await runBuiltin('neocampus', mqtt('{"value":true,"subID":"pir"}', 'u4/302/presence'));
    expect(drafts(presence)).toEqual([{ sensor: 'pir', observedProperty: 'presence', unit: '', value: true }]);
    const rgb = await runBuiltin('neocampus', mqtt('{"value":{"r":255,"g":0,"b":12},"subID":"led"}', 'u4/302/led'));
    expect(drafts(rgb)).toEqual([{ sensor: 'led', observedProperty: 'led', unit: '', value: { r: 255, g: 0, b: 12 } }]);
  });

  it('applies one scalar unit to every item of an array value', async () => {
    const body = JSON.stringify({ value: [230.1, 229.8, 231.0], value_units: 'V', subID: 'tgbt' });
    const out = await runBuiltin('neocampus', mqtt(body, 'u4/302/energy'));
    expect(drafts(out)).toEqual([
      { sensor: 'tgbt', observedProperty: 'voltage_1', unit: 'V', value: 230.1 },
      { sensor: 'tgbt', observedProperty: 'voltage_2', unit: 'V', value: 229.8 },
      { sensor: 'tgbt', observedProperty: 'voltage_3', unit: 'V', value: 231 },
    ]);
  });

  it('an empty value_units is no unit (the module default for a number where the module has one)', async () => {
    const cpu = await runBuiltin('neocampus', mqtt('{"value":3,"value_units":"","subID":"x"}', 'u4/302/cpu'));
    expect(drafts(cpu)).toEqual([{ sensor: 'x', observedProperty: 'cpu', unit: '', value: 3 }]);
    const temp = await runBuiltin('neocampus', mqtt('{"value":"21.5","value_units":"","subID":"x"}', 'u4/302/temperature'));
    expect(drafts(temp)).toEqual([{ sensor: 'x', observedProperty: 'temperature', unit: 'Cel', value: 21.5 }]);
  });
});
