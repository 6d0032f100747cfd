/**
 * Deterministic Open mHealth data points for the nine seed observations (F.11 [R]: fixed values
 * instead of upstream's "now + random"). Each is a full data point: IEEE header + body.
 */
import { BG, BP, BT, HR, O2, RR, SCOPES } from './seed-data';

const BASE_TIME = Date.UTC(2025, 0, 1, 8, 0, 0);

type Body = Record<string, unknown>;

const BODIES: Readonly<Record<number, (value: number) => Body>> = {
  [BP]: (v) => ({
    systolic_blood_pressure: { value: 110 + v, unit: 'mmHg' },
    diastolic_blood_pressure: { value: 70 + v, unit: 'mmHg' },
  }),
  [HR]: (v) => ({ heart_rate: { value: 60 + v, unit: 'beats/min' } }),
  [BT]: (v) => ({ body_temperature: { value: 36.5 + v / 10, unit: 'C' } }),
  [O2]: (v) => ({ oxygen_saturation: { value: 94 + v / 2, unit: '%' } }),
  [RR]: (v) => ({ respiratory_rate: { value: 12 + v, unit: 'breaths/min' } }),
  [BG]: (v) => ({ blood_glucose: { value: 90 + v, unit: 'mg/dL' } }),
};

export interface SeedDataPoint {
  header: {
    uuid: string;
    schema_id: { namespace: string; name: string; version: string };
    source_creation_date_time: string;
    modality: 'sensed';
  };
  body: Body;
}

/** The data point of seed observation `observationId` for scope `scopeId`. */
export function seedDataPoint(observationId: number, scopeId: number): SeedDataPoint {
  const scope = SCOPES.find(([id]) => id === scopeId);
  const build = BODIES[scopeId];
  if (!scope || !build) throw new RangeError(`no seed body for scope ${scopeId}`);
  const [namespace = '', name = '', version = ''] = scope[2].split(':');
  const n = observationId % 100;
  const effective = new Date(BASE_TIME + n * 3_600_000);
  const created = new Date(effective.getTime() + 60_000);
  return {
    header: {
      uuid: `5eed0000-0000-4000-8000-${String(observationId).padStart(12, '0')}`,
      schema_id: { namespace, name, version },
      source_creation_date_time: created.toISOString(),
      modality: 'sensed',
    },
    body: { ...build(n), effective_time_frame: { date_time: effective.toISOString() } },
  };
}
