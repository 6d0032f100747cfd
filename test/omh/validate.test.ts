import { describe, expect, it } from 'vitest';
import { validateDataPoint } from '../../src/omh';
import { OMH_EXAMPLES } from '../fixtures/omh-examples';

/** The valid example of API.md G.2. */
function bloodPressureDataPoint() {
  return {
    header: {
      uuid: 'aaaa1234-1a2b-3c4d-5e6f-000000000002',
      schema_id: { namespace: 'omh', name: 'blood-pressure', version: '4.0' },
      source_creation_date_time: '2025-01-01T01:02:01-08:00',
      modality: 'sensed',
      external_datasheets: [{ datasheet_type: 'manufacturer', datasheet_reference: 'iHealth' }],
    },
    body: {
      systolic_blood_pressure: { value: 115, unit: 'mmHg' },
      diastolic_blood_pressure: { value: 60, unit: 'mmHg' },
      effective_time_frame: { date_time: '2025-01-01T00:02:00-08:00' },
    },
  };
}

function bloodGlucoseBody(overrides: Record<string, unknown> = {}) {
  return { ...OMH_EXAMPLES['omh:blood-glucose:4.0'].body, ...overrides };
}

describe('validateDataPoint', () => {
  it('accepts the blood-pressure 4.0 data point of G.2 and reads its effective time', () => {
    expect(validateDataPoint('omh:blood-pressure:4.0', bloodPressureDataPoint())).toEqual({
      ok: true,
      form: 'dataPoint',
      effective: { kind: 'dateTime', start: '2025-01-01T08:02:00.000Z', end: null },
    });
  });

  it('accepts a bare body without header', () => {
    expect(validateDataPoint('omh:blood-pressure:4.0', bloodPressureDataPoint().body)).toEqual({
      ok: true,
      form: 'body',
      effective: { kind: 'dateTime', start: '2025-01-01T08:02:00.000Z', end: null },
    });
  });

  it('rejects a header without uuid, naming $.header and `required`', () => {
    const dataPoint = bloodPressureDataPoint();
    const header: Record<string, unknown> = { ...dataPoint.header };
    delete header.uuid;
    expect(validateDataPoint('omh:blood-pressure:4.0', { ...dataPoint, header })).toEqual({
      ok: false,
      reason: 'invalid',
      errors: [{ path: '$.header', keyword: 'required', message: 'missing required property "uuid"' }],
    });
  });

  it('rejects a data point with a body but no header', () => {
    expect(validateDataPoint('omh:blood-pressure:4.0', { body: bloodPressureDataPoint().body })).toEqual({
      ok: false,
      reason: 'invalid',
      errors: [{ path: '$', keyword: 'required', message: 'missing required property "header"' }],
    });
  });

  it('reports header and body problems together', () => {
    const dataPoint = bloodPressureDataPoint();
    const result = validateDataPoint('omh:blood-pressure:4.0', {
      header: { ...dataPoint.header, modality: 'guessed' },
      body: { ...dataPoint.body, diastolic_blood_pressure: { value: '60', unit: 'mmHg' } },
    });
    expect(result).toEqual({
      ok: false,
      reason: 'invalid',
      errors: [
        { path: '$.header.modality', keyword: 'enum', message: 'must be one of ["sensed","self-reported"]' },
        {
          path: '$.body.diastolic_blood_pressure.value',
          keyword: 'type',
          message: 'must be of type "number", not "string"',
        },
      ],
    });
  });

  it('names array elements by index', () => {
    const dataPoint = bloodPressureDataPoint();
    const header = { ...dataPoint.header, external_datasheets: [{ datasheet_type: 'manufacturer' }] };
    expect(validateDataPoint('omh:blood-pressure:4.0', { ...dataPoint, header })).toEqual({
      ok: false,
      reason: 'invalid',
      errors: [
        {
          path: '$.header.external_datasheets[0]',
          keyword: 'required',
          message: 'missing required property "datasheet_reference"',
        },
      ],
    });
  });

  it('rejects JSON that is not an object', () => {
    const notObject = {
      ok: false,
      reason: 'invalid',
      errors: [
        { path: '$', keyword: 'type', message: 'must be a JSON object: an Open mHealth data point or body' },
      ],
    };
    expect(validateDataPoint('omh:blood-pressure:4.0', [bloodPressureDataPoint()])).toEqual(notObject);
    expect(validateDataPoint('omh:blood-pressure:4.0', 'data')).toEqual(notObject);
    expect(validateDataPoint('omh:blood-pressure:4.0', null)).toEqual(notObject);
  });

  it('answers unknown_code for a code without a bundled schema', () => {
    expect(validateDataPoint('omh:blood-pressure:9.0', bloodPressureDataPoint())).toEqual({
      ok: false,
      reason: 'unknown_code',
      code: 'omh:blood-pressure:9.0',
      message: 'No Open mHealth schema is bundled for the code "omh:blood-pressure:9.0".',
    });
  });

  it('answers unknown_code for a malformed code or a foreign namespace', () => {
    expect(validateDataPoint('blood-pressure', {})).toMatchObject({ ok: false, reason: 'unknown_code' });
    expect(validateDataPoint('granola:hk-blood-type:1.0', {})).toMatchObject({
      ok: false,
      reason: 'unknown_code',
    });
  });

  it('reports the path of a nested error in a bare body from $', () => {
    expect(
      validateDataPoint(
        'omh:blood-glucose:4.0',
        bloodGlucoseBody({ blood_glucose: { value: 97, unit: 'MGDL' } }),
      ),
    ).toEqual({
      ok: false,
      reason: 'invalid',
      errors: [
        { path: '$.blood_glucose.unit', keyword: 'enum', message: 'must be one of ["mg/dL","mmol/L"]' },
      ],
    });
  });
});

describe('validateDataPoint: blood glucose 4.0 strictness (G.2)', () => {
  it('accepts the example', () => {
    expect(validateDataPoint('omh:blood-glucose:4.0', bloodGlucoseBody())).toMatchObject({ ok: true });
  });

  it('rejects the unit `MGDL`', () => {
    const dataPoint = {
      ...OMH_EXAMPLES['omh:blood-glucose:4.0'],
      body: bloodGlucoseBody({ blood_glucose: { value: 97, unit: 'MGDL' } }),
    };
    expect(validateDataPoint('omh:blood-glucose:4.0', dataPoint)).toEqual({
      ok: false,
      reason: 'invalid',
      errors: [
        { path: '$.body.blood_glucose.unit', keyword: 'enum', message: 'must be one of ["mg/dL","mmol/L"]' },
      ],
    });
  });

  it('rejects temporal_relationship_to_meal `unknown`', () => {
    const result = validateDataPoint(
      'omh:blood-glucose:4.0',
      bloodGlucoseBody({ temporal_relationship_to_meal: 'unknown' }),
    );
    expect(result).toEqual({
      ok: false,
      reason: 'invalid',
      errors: [
        {
          path: '$.temporal_relationship_to_meal',
          keyword: 'enum',
          message:
            'must be one of ["fasting","not fasting","before meal","after meal","before breakfast","after breakfast",' +
            '"before lunch","after lunch","before dinner","after dinner","2 hours postprandial","with meal","with food"]',
        },
      ],
    });
  });

  it('accepts every temporal_relationship_to_meal G.2 names', () => {
    for (const relation of ['fasting', 'not fasting', 'before meal', 'after meal', '2 hours postprandial']) {
      expect(
        validateDataPoint(
          'omh:blood-glucose:4.0',
          bloodGlucoseBody({ temporal_relationship_to_meal: relation }),
        ),
      ).toMatchObject({ ok: true });
    }
  });

  it('rejects a specimen_source outside its enum', () => {
    expect(
      validateDataPoint('omh:blood-glucose:4.0', bloodGlucoseBody({ specimen_source: 'blood' })),
    ).toEqual({
      ok: false,
      reason: 'invalid',
      errors: [
        {
          path: '$.specimen_source',
          keyword: 'enum',
          message:
            'must be one of ["breath","capillary blood","interstitial fluid","saliva","sweat","tears","urine"]',
        },
      ],
    });
  });
});

describe('validateDataPoint: format assertion (G.3)', () => {
  const formatIssue = (path: string) => ({
    ok: false,
    reason: 'invalid',
    errors: [
      { path, keyword: 'format', message: 'must be a valid date-time (JSON Schema format "date-time")' },
    ],
  });

  it('rejects a date_time without zone, reporting only the date_time alternative', () => {
    const body = bloodGlucoseBody({ effective_time_frame: { date_time: '2025-01-02T07:15:00' } });
    expect(validateDataPoint('omh:blood-glucose:4.0', body)).toEqual(
      formatIssue('$.effective_time_frame.date_time'),
    );
  });

  it('rejects a date-only date_time', () => {
    const body = bloodGlucoseBody({ effective_time_frame: { date_time: '2025-01-02' } });
    expect(validateDataPoint('omh:blood-glucose:4.0', body)).toEqual(
      formatIssue('$.effective_time_frame.date_time'),
    );
  });

  it('rejects a zone-less source_creation_date_time in the header', () => {
    const example = OMH_EXAMPLES['omh:blood-glucose:4.0'];
    const dataPoint = {
      ...example,
      header: { ...example.header, source_creation_date_time: '2025-01-02T07:16:05' },
    };
    expect(validateDataPoint('omh:blood-glucose:4.0', dataPoint)).toEqual(
      formatIssue('$.header.source_creation_date_time'),
    );
  });

  it('rejects a header uuid that is not a UUID', () => {
    const example = OMH_EXAMPLES['omh:blood-glucose:4.0'];
    const dataPoint = { ...example, header: { ...example.header, uuid: 'abc-123-def-456' } };
    expect(validateDataPoint('omh:blood-glucose:4.0', dataPoint)).toEqual({
      ok: false,
      reason: 'invalid',
      errors: [
        {
          path: '$.header.uuid',
          keyword: 'format',
          message: 'must be a valid uuid (JSON Schema format "uuid")',
        },
      ],
    });
  });

  it('rejects a bad start in a start+duration interval, reporting the closest alternative', () => {
    const body = {
      ...OMH_EXAMPLES['omh:physical-activity:1.2'].body,
      effective_time_frame: {
        time_interval: { start_date_time: '2025-01-02 18:00', duration: { value: 30, unit: 'min' } },
      },
    };
    expect(validateDataPoint('omh:physical-activity:1.2', body)).toEqual(
      formatIssue('$.effective_time_frame.time_interval.start_date_time'),
    );
  });
});

describe('validateDataPoint: schema-specific rules', () => {
  it('requires a time_interval for step count', () => {
    const body = {
      ...OMH_EXAMPLES['omh:step-count:3.0'].body,
      effective_time_frame: { date_time: '2025-01-02T00:00:00Z' },
    };
    expect(validateDataPoint('omh:step-count:3.0', body)).toEqual({
      ok: false,
      reason: 'invalid',
      errors: [
        {
          path: '$.effective_time_frame',
          keyword: 'required',
          message: 'missing required property "time_interval"',
        },
      ],
    });
  });

  it('reports a time frame that matches several alternatives once, at the frame', () => {
    const body = bloodGlucoseBody({
      effective_time_frame: {
        date_time: '2025-01-02T07:15:00Z',
        time_interval: { start_date_time: '2025-01-02T07:00:00Z', end_date_time: '2025-01-02T07:15:00Z' },
      },
    });
    expect(validateDataPoint('omh:blood-glucose:4.0', body)).toEqual({
      ok: false,
      reason: 'invalid',
      errors: [
        {
          path: '$.effective_time_frame',
          keyword: 'oneOf',
          message: 'must match exactly one of the alternatives the schema allows, but matches several',
        },
      ],
    });
  });
});
