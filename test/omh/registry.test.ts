import { describe, expect, it } from 'vitest';
import { buildSchemaRegistry, getSchemaRegistry } from '../../src/omh/registry';
import { toBundledSchemaFile } from '../../src/omh/schema-files';

const OMH = 'https://w3id.org/openmhealth/schemas/omh/';
const IEEE = 'https://w3id.org/ieee/ieee-1752-schema/';

describe('getSchemaRegistry', () => {
  it('returns the same registry on every call (built once per isolate)', () => {
    expect(getSchemaRegistry()).toBe(getSchemaRegistry());
  });

  it('resolves the refs of body-weight 3.0, whose $id names body-weight-2.0', () => {
    const registry = getSchemaRegistry();
    const body = {
      body_weight: { value: 72.4, unit: 'kg' },
      effective_time_frame: { date_time: '2025-01-02T07:00:00Z' },
    };
    expect(registry.validate(`${OMH}body-weight-3.0.json`, body)).toEqual([]);
    expect(
      registry.validate(`${OMH}body-weight-3.0.json`, {
        ...body,
        body_weight: { value: 72.4, unit: 'stone' },
      }),
    ).toContainEqual(expect.objectContaining({ keyword: 'enum', instanceLocation: '#/body_weight/unit' }));
  });

  it('keeps body-weight-2.0.json for the file of that name, not the 3.0 file claiming it', () => {
    // Only the OMH 1.0 time interval of body-weight 2.0 knows date + part_of_day; the IEEE one of 3.0 does not.
    const body = {
      body_weight: { value: 72.4, unit: 'kg' },
      effective_time_frame: { time_interval: { date: '2025-01-02', part_of_day: 'morning' } },
    };
    expect(getSchemaRegistry().validate(`${OMH}body-weight-2.0.json`, body)).toEqual([]);
    expect(getSchemaRegistry().validate(`${OMH}body-weight-3.0.json`, body)).not.toEqual([]);
  });

  it('validates with the IEEE time frame, whose $id is time-frame.json', () => {
    const registry = getSchemaRegistry();
    expect(registry.validate(`${IEEE}time-frame-1.0.json`, { date_time: '2025-01-02T07:00:00Z' })).toEqual(
      [],
    );
    expect(registry.validate(`${IEEE}time-frame-1.0.json`, { date_time: '2025-01-02' })).toContainEqual(
      expect.objectContaining({ keyword: 'format', instanceLocation: '#/date_time' }),
    );
  });

  it('validates an IEEE schema that uses the time frame by relative $ref', () => {
    const body = {
      sleep_stage_summary: { total_sleep_time: { value: 420, unit: 'min' } },
      effective_time_frame: {
        time_interval: { start_date_time: '2025-01-02T23:10:00Z', end_date_time: '2025-01-03T06:55:00Z' },
      },
    };
    const registry = getSchemaRegistry();
    expect(registry.validate(`${IEEE}sleep-stage-summary-1.0.json`, body)).toEqual([]);
    expect(
      registry.validate(`${IEEE}sleep-stage-summary-1.0.json`, {
        ...body,
        effective_time_frame: { date_time: '2025-01-02T23:10:00Z' },
      }),
    ).toContainEqual(
      expect.objectContaining({ keyword: 'required', instanceLocation: '#/effective_time_frame' }),
    );
  });

  it('also registers a file under its own trustworthy $id', () => {
    expect(getSchemaRegistry().has(`${IEEE}time-frame.json`)).toBe(true);
    expect(
      getSchemaRegistry().validate(`${IEEE}time-frame.json`, { date_time: '2025-01-02T07:00:00Z' }),
    ).toEqual([]);
  });

  it('registers `*.x.json` aliases', () => {
    expect(getSchemaRegistry().has(`${OMH}blood-pressure-4.x.json`)).toBe(true);
  });

  it('answers null for an unregistered URI or a sub-schema pointer', () => {
    expect(getSchemaRegistry().validate(`${OMH}nothing-1.0.json`, {})).toBeNull();
    expect(getSchemaRegistry().has(`${OMH}blood-pressure-4.0.json#/definitions/time_frame`)).toBe(false);
    expect(getSchemaRegistry().has('toString')).toBe(false);
  });
});

describe('buildSchemaRegistry', () => {
  it('resolves relative refs against the file name, not a misleading $id or draft-04 id', () => {
    const registry = buildSchemaRegistry([
      toBundledSchemaFile(
        'omh/a-1.0.json',
        JSON.stringify({ $id: 'https://elsewhere.example/x/a.json', $ref: 'b-1.0.json' }),
      ),
      toBundledSchemaFile(
        'omh/b-1.0.json',
        JSON.stringify({ id: 'https://elsewhere.example/y/b.json', type: 'string' }),
      ),
    ]);
    expect(registry.validate(`${OMH}a-1.0.json`, 'text')).toEqual([]);
    expect(registry.validate(`${OMH}a-1.0.json`, 1)).toContainEqual(
      expect.objectContaining({ keyword: 'type' }),
    );
  });

  it('refuses a bundle with an unresolvable $ref at build time', () => {
    expect(() =>
      buildSchemaRegistry([
        toBundledSchemaFile('omh/a-1.0.json', JSON.stringify({ $ref: 'missing-1.0.json' })),
      ]),
    ).toThrow(`${OMH}a-1.0.json: unresolved $ref ${OMH}missing-1.0.json`);
  });

  it('does not let two files claiming the same $id take it', () => {
    const registry = buildSchemaRegistry([
      toBundledSchemaFile('omh/a-1.0.json', JSON.stringify({ $id: `${OMH}shared.json`, type: 'string' })),
      toBundledSchemaFile('omh/b-1.0.json', JSON.stringify({ $id: `${OMH}shared.json`, type: 'number' })),
    ]);
    expect(registry.has(`${OMH}shared.json`)).toBe(false);
  });
});
