import { describe, expect, it } from 'vitest';
import { validateDataPoint } from '../../src/omh';
import { OMH_EXAMPLE_CODES, OMH_EXAMPLES } from '../fixtures/omh-examples';

describe('OMH_EXAMPLES', () => {
  it.each(OMH_EXAMPLE_CODES)('holds a valid data point for %s', (code) => {
    expect(validateDataPoint(code, OMH_EXAMPLES[code])).toMatchObject({ ok: true, form: 'dataPoint' });
  });

  it.each(OMH_EXAMPLE_CODES)('names %s in the header schema_id', (code) => {
    const { namespace, name, version } = OMH_EXAMPLES[code].header.schema_id;
    expect(`${namespace}:${name}:${version}`).toBe(code);
  });

  it.each([
    'omh:blood-pressure:4.0',
    'omh:heart-rate:2.0',
    'omh:body-temperature:4.0',
    'omh:oxygen-saturation:2.0',
    'omh:respiratory-rate:2.0',
    'omh:blood-glucose:4.0',
  ] as const)('gives the seed code %s an effective date_time', (code) => {
    expect(validateDataPoint(code, OMH_EXAMPLES[code])).toMatchObject({
      ok: true,
      effective: { kind: 'dateTime' },
    });
  });
});
