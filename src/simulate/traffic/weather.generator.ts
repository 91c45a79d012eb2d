/**
 * Weather stations (JSON, as Ecowitt/Davis-style gateways post it): temperature and humidity
 * with daily cycles, pressure, rainfall since the previous report (showers come and go),
 * wind speed, gusts and direction (windier in the afternoon), and the UV index (zero at night,
 * peaking at solar noon, cut by clouds when it rains). Mapped by the json-map worker.
 */
import type { JsonMapConfig } from '../../workers/decoders/json-map.worker.js';
import { clearSkyUv, Drift, localHour, outdoorHumidity, outdoorTemperature, pressure } from './climate.js';
import { clamp, type Rng, round } from './rng.js';
import { monotonic, type Reading, type TrafficDevice, type TrafficGenerator } from './uplink.js';

export const WEATHER_TOPIC_ROOT = 'polder-sim/weather';
const MINUTE = 60_000;

export interface WeatherReport {
  station: string;
  dateutc: string;
  temperature: number;
  humidity: number;
  pressure: number;
  rain_mm: number;
  wind_speed: number;
  wind_gust: number;
  wind_dir: number;
  uv_index: number;
}

function weatherStation(index: number, rng: Rng): TrafficDevice {
  const mac = `24:0a:c4:5e:${((index >> 8) & 0xff).toString(16).padStart(2, '0')}:${(index & 0xff).toString(16).padStart(2, '0')}`;
  const time = monotonic();
  const temp = new Drift(rng, 1.5, 3 * 60 * MINUTE);
  const hum = new Drift(rng, 5, 2 * 60 * MINUTE);
  const press = new Drift(rng, 7, 12 * 60 * MINUTE);
  const wind = new Drift(rng, 1.2, 20 * MINUTE);
  let direction = rng.range(0, 360);
  let raining = false;
  let lastAt: number | undefined;

  return {
    kind: 'weather',
    id: mac,
    next(now) {
      const at = time(now);
      const dt = lastAt === undefined ? MINUTE : at - lastAt;
      lastAt = at;
      // Showers: a two-state Markov chain, about 10 % of the time raining.
      const minutes = dt / MINUTE;
      if (raining ? rng.next() < Math.min(1, 0.05 * minutes) : rng.next() < Math.min(1, 0.005 * minutes)) raining = !raining;
      const intensityMmH = raining ? rng.range(0.2, 6) : 0;
      const h = localHour(at);
      const afternoon = Math.max(0, Math.sin((Math.PI * (h - 9)) / 12));
      const speed = clamp(2.5 + 2 * afternoon + wind.sample(at) + (raining ? 1.5 : 0), 0, 40);
      direction = (direction + rng.gauss(8) + 360) % 360;
      const report: WeatherReport = {
        station: mac,
        dateutc: new Date(at).toISOString(),
        temperature: round(outdoorTemperature(at, temp.sample(at)) - (raining ? 2 : 0), 1),
        humidity: Math.round(clamp(outdoorHumidity(at, hum.sample(at)) + (raining ? 15 : 0), 5, 100)),
        pressure: round(pressure(press.sample(at)), 1),
        // The tipping bucket counts 0.2 mm steps.
        rain_mm: round(Math.floor((intensityMmH * Math.min(dt, 3_600_000)) / 3_600_000 / 0.2) * 0.2, 1),
        wind_speed: round(speed, 1),
        wind_gust: round(speed * (1.3 + 0.4 * rng.next()), 1),
        wind_dir: Math.round(direction),
        uv_index: round(clearSkyUv(at) * (raining ? 0.3 : 1), 1),
      };
      const exact = (observedProperty: string, unit: string, value: number): Reading => ({
        sensor: 'station',
        observedProperty,
        unit,
        value,
        resolution: 0,
      });
      return {
        pipeline: 'weather',
        body: Buffer.from(JSON.stringify(report)),
        contentType: 'application/json',
        topic: `${WEATHER_TOPIC_ROOT}/${mac.replaceAll(':', '')}`,
        device: { kind: 'mac', value: mac },
        observedAt: at,
        readings: [
          exact('temperature', 'Cel', report.temperature),
          exact('relative_humidity', '%', report.humidity),
          exact('barometric_pressure', 'hPa', report.pressure),
          exact('rainfall', 'mm', report.rain_mm),
          exact('wind_speed', 'm/s', report.wind_speed),
          exact('wind_gust', 'm/s', report.wind_gust),
          exact('wind_direction', 'deg', report.wind_dir),
          exact('uv_index', '{index}', report.uv_index),
        ],
      };
    },
  };
}

const field = (observedProperty: string, unit: string) => ({ observedProperty, unit });

export const WEATHER_MAP: JsonMapConfig = {
  source: 'payload',
  sensor: 'station',
  time: 'dateutc',
  device: { path: 'station', kind: 'mac' },
  fields: {
    temperature: field('temperature', 'Cel'),
    humidity: field('relative_humidity', '%'),
    pressure: field('barometric_pressure', 'hPa'),
    rain_mm: field('rainfall', 'mm'),
    wind_speed: field('wind_speed', 'm/s'),
    wind_gust: field('wind_gust', 'm/s'),
    wind_dir: field('wind_direction', 'deg'),
    uv_index: field('uv_index', '{index}'),
  },
};

export const weatherGenerator: TrafficGenerator = {
  kind: 'weather',
  pipeline: (prefix) => ({
    name: `${prefix}weather`,
    description:
      'Simulated weather stations: temperature, humidity, pressure, rainfall, wind, UV index (polder simulate traffic).',
    steps: [{ worker: 'json-map', config: WEATHER_MAP }],
    sources: [{ kind: 'mqtt', topic: `${WEATHER_TOPIC_ROOT}/+` }],
    autoRegister: true,
  }),
  device: weatherStation,
};
