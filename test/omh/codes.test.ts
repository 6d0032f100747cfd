import { describe, expect, it } from 'vitest';
import { hasBundledSchema, schemaUriForCode } from '../../src/omh';
import { OMH_EXAMPLE_CODES } from '../fixtures/omh-examples';

describe('schemaUriForCode', () => {
  it('maps an omh code to the Open mHealth base URI', () => {
    expect(schemaUriForCode('omh:blood-pressure:4.0')).toBe(
      'https://w3id.org/openmhealth/schemas/omh/blood-pressure-4.0.json',
    );
  });

  it('maps an ieee code to the IEEE 1752 base URI', () => {
    expect(schemaUriForCode('ieee:sleep-stage-summary:1.0')).toBe(
      'https://w3id.org/ieee/ieee-1752-schema/sleep-stage-summary-1.0.json',
    );
  });

  it('answers null for other namespaces and malformed codes', () => {
    expect(schemaUriForCode('granola:hk-blood-type:1.0')).toBeNull();
    expect(schemaUriForCode('constructor:blood-pressure:4.0')).toBeNull();
    expect(schemaUriForCode('omh:blood-pressure')).toBeNull();
    expect(schemaUriForCode('omh:../secret:4.0')).toBeNull();
    expect(schemaUriForCode('OMH:blood-pressure:4.0')).toBeNull();
    expect(schemaUriForCode('omh:blood-pressure:4.0 ')).toBeNull();
  });
});

describe('hasBundledSchema', () => {
  it('is true for every code of the G.3 table and the header', () => {
    for (const code of [...OMH_EXAMPLE_CODES, 'ieee:header:1.0'])
      expect([code, hasBundledSchema(code)]).toEqual([code, true]);
  });

  it('is false for a version that was never published', () => {
    expect(hasBundledSchema('omh:blood-pressure:9.0')).toBe(false);
  });

  it('is false for a malformed code', () => {
    expect(hasBundledSchema('blood-pressure')).toBe(false);
  });
});
