/**
 * Definitions for the observed properties Polder's decoders produce: QUDT quantity kinds
 * where QUDT has one, else a Polder URN. Units are UCUM codes; their names follow the UCUM
 * table. A property or unit not listed still works (its definition is a URN / the code).
 */

export interface PropertyDefinition {
  name: string;
  definition: string;
  description: string;
}

const QK = 'http://qudt.org/vocab/quantitykind/';

export const OBSERVED_PROPERTIES: Record<string, PropertyDefinition> = {
  temperature: { name: 'Temperature', definition: `${QK}Temperature`, description: 'Air or surface temperature' },
  relative_humidity: { name: 'Relative humidity', definition: `${QK}RelativeHumidity`, description: 'Relative humidity of air' },
  illuminance: { name: 'Illuminance', definition: `${QK}Illuminance`, description: 'Luminous flux per area' },
  barometric_pressure: { name: 'Barometric pressure', definition: `${QK}AtmosphericPressure`, description: 'Air pressure' },
  battery_voltage: { name: 'Battery voltage', definition: `${QK}Voltage`, description: "Voltage of the device's battery" },
  voltage: { name: 'Voltage', definition: `${QK}Voltage`, description: 'Electric potential difference' },
  current: { name: 'Electric current', definition: `${QK}ElectricCurrent`, description: 'Electric current' },
  power: { name: 'Power', definition: `${QK}Power`, description: 'Active power' },
  frequency: { name: 'Frequency', definition: `${QK}Frequency`, description: 'Frequency' },
  sound_level: { name: 'Sound pressure level', definition: `${QK}SoundPressureLevel`, description: 'Sound level' },
  co2: { name: 'CO2 concentration', definition: `${QK}MoleFraction`, description: 'Carbon dioxide mole fraction in air' },
  tvoc: { name: 'TVOC', definition: `${QK}MoleFraction`, description: 'Total volatile organic compounds in air' },
  pm1: { name: 'PM1', definition: `${QK}MassConcentration`, description: 'Particulate matter below 1 µm' },
  pm2_5: { name: 'PM2.5', definition: `${QK}MassConcentration`, description: 'Particulate matter below 2.5 µm' },
  pm10: { name: 'PM10', definition: `${QK}MassConcentration`, description: 'Particulate matter below 10 µm' },
  wind_speed: { name: 'Wind speed', definition: `${QK}Speed`, description: 'Wind speed' },
  wind_direction: { name: 'Wind direction', definition: `${QK}Angle`, description: 'Direction the wind comes from' },
  rainfall: { name: 'Rainfall', definition: `${QK}Length`, description: 'Precipitation depth' },
  altitude: { name: 'Altitude', definition: `${QK}Altitude`, description: 'Height above sea level' },
  latitude: { name: 'Latitude', definition: `${QK}Latitude`, description: 'Geographic latitude' },
  longitude: { name: 'Longitude', definition: `${QK}Longitude`, description: 'Geographic longitude' },
  battery_level: { name: 'Battery level', definition: `${QK}DimensionlessRatio`, description: 'Battery charge' },
  rssi: { name: 'RSSI', definition: `${QK}SignalStrength`, description: 'Received signal strength' },
  snr: { name: 'SNR', definition: `${QK}SignalStrength`, description: 'Signal to noise ratio' },
  uv_index: { name: 'UV index', definition: `${QK}Dimensionless`, description: 'Ultraviolet index' },
  occupancy: { name: 'Occupancy', definition: `${QK}Count`, description: 'Number of people present' },
  presence: { name: 'Presence', definition: `${QK}Dimensionless`, description: 'Someone present (1) or not (0)' },
  motion: { name: 'Motion', definition: `${QK}Dimensionless`, description: 'Motion detected (count or 0/1)' },
};

export const propertyUrn = (key: string) => `urn:polder:observed-property:${encodeURIComponent(key)}`;

const UCUM_NAMES: Record<string, string> = {
  Cel: 'degree Celsius',
  K: 'kelvin',
  '%': 'percent',
  lx: 'lux',
  hPa: 'hectopascal',
  Pa: 'pascal',
  V: 'volt',
  A: 'ampere',
  W: 'watt',
  'W.h': 'watt hour',
  'V.A': 'volt ampere',
  Hz: 'hertz',
  dB: 'decibel',
  'dB[mW]': 'decibel milliwatt',
  '[ppm]': 'parts per million',
  '[ppb]': 'parts per billion',
  'ug/m3': 'microgram per cubic metre',
  deg: 'degree',
  m: 'metre',
  mm: 'millimetre',
  'm/s': 'metre per second',
  '1': 'one',
};

/** SensorThings' unitOfMeasurement for a UCUM code. */
export function unitOfMeasurement(code: string): { name: string; symbol: string; definition: string } {
  return {
    name: UCUM_NAMES[code] ?? code,
    symbol: code,
    definition: `http://unitsofmeasure.org/ucum.html#${encodeURIComponent(code)}`,
  };
}

/** Code of the device that holds sensors created through STA before a Datastream ties them to a Thing (not a Thing). */
export const UNASSIGNED_SENSORS = '~sta-unassigned-sensors';
