import { env } from 'cloudflare:test';
import { inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { observationIdentifiers } from '../../src/db/schema';
import { base64FromUtf8 } from '../../src/lib/encoding';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api } from '../fixtures/api';
import { bloodPressurePoint, observation } from '../fixtures/fhir';
import { seedTestData } from '../fixtures/seed';

const VALIDATE = '/fhir/r5/Observation/$validate';
const ALL_OK = {
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'information', code: 'informational', diagnostics: 'All OK' }],
};

let tokens: Record<Actor, string>;

beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

const attach = (data: unknown) => ({
  contentType: 'application/json',
  data: base64FromUtf8(JSON.stringify(data)),
});

async function validate(body: unknown, actor: Actor = 'manager') {
  return api(VALIDATE, tokens[actor], { method: 'POST', body });
}

describe('POST /fhir/r5/Observation/$validate', () => {
  it('answers "All OK" for a valid Observation', async () => {
    const res = await validate(observation());
    expect(res.status).toBe(200);
    expect(res.body).toEqual(ALL_OK);
  });

  it('accepts any valid bearer token, and needs one', async () => {
    for (const actor of ['patient', 'superuser', 'outsider'] as const)
      expect((await validate(observation(), actor)).body).toEqual(ALL_OK);
    expect((await api(VALIDATE, null, { method: 'POST', body: observation() })).status).toBe(401);
  });

  it('accepts a Parameters with a resource part, and the percent-encoded path', async () => {
    const res = await validate({
      resourceType: 'Parameters',
      parameter: [{ name: 'resource', resource: observation() }],
    });
    expect(res.body).toEqual(ALL_OK);
    const encoded = await api('/FHIR/R5/Observation/%24validate', tokens.manager, {
      method: 'POST',
      body: observation(),
    });
    expect(encoded.body).toEqual(ALL_OK);
  });

  it('returns 400 for a Parameters without a resource part', async () => {
    const res = await validate({
      resourceType: 'Parameters',
      parameter: [{ name: 'mode', valueCode: 'create' }],
    });
    expect(res.status).toBe(400);
  });

  it('accepts a bare Open mHealth body (G.2 [R])', async () => {
    const { body } = bloodPressurePoint();
    expect((await validate({ ...observation(), valueAttachment: attach(body) })).body).toEqual(ALL_OK);
  });

  it('checks neither subject, device, consent nor identifier uniqueness', async () => {
    const withoutSubject: Record<string, unknown> = observation({ patientId: 40003 });
    delete withoutSubject.subject;
    delete withoutSubject.device;
    expect((await validate(withoutSubject)).body).toEqual(ALL_OK);
    const otherOrg = await validate(observation({ patientId: 40003, deviceId: 99999 }), 'manager');
    expect(otherOrg.body).toEqual(ALL_OK);
    const duplicate = observation({ identifier: { system: 'https://ehr.example.com', value: 'same' } });
    expect((await validate(duplicate)).body).toEqual(ALL_OK);
    expect((await validate(duplicate)).body).toEqual(ALL_OK);
  });

  it('lists every Open mHealth problem with its JSON path', async () => {
    const point = bloodPressurePoint();
    const header: Record<string, unknown> = { ...point.header };
    delete header.uuid;
    const res = await validate({
      ...observation(),
      valueAttachment: attach({
        header,
        body: {
          systolic_blood_pressure: { value: 120, unit: 'mmhg' },
          effective_time_frame: point.body.effective_time_frame,
        },
      }),
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'processing',
          diagnostics: '$.header: missing required property "uuid" (required)',
          expression: ['$.header'],
        },
        {
          severity: 'error',
          code: 'processing',
          diagnostics: '$.body: missing required property "diastolic_blood_pressure" (required)',
          expression: ['$.body'],
        },
        {
          severity: 'error',
          code: 'processing',
          diagnostics: '$.body.systolic_blood_pressure.unit: must be one of ["mmHg"] (enum)',
          expression: ['$.body.systolic_blood_pressure.unit'],
        },
      ],
    });
  });

  it('reports bad base64 and base64 that is not JSON', async () => {
    const expected = {
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'invalid',
          diagnostics: 'valueAttachment.data must be Base 64 Encoded Binary JSON.',
          expression: ['Observation.valueAttachment.data'],
        },
      ],
    };
    const bad = await validate({
      ...observation(),
      valueAttachment: { contentType: 'application/json', data: '%%%' },
    });
    expect(bad.status).toBe(200);
    expect(bad.body).toEqual(expected);
    const notJson = await validate({
      ...observation(),
      valueAttachment: { data: base64FromUtf8('not json') },
    });
    expect(notJson.body).toEqual(expected);
  });

  it('reports a FHIR structure problem', async () => {
    const res = await validate({ ...observation(), status: 'bogus' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'invalid', expression: ['Observation.status'] }],
    });
  });

  it('reports an unknown code, and validates a bundled schema that has no scope row', async () => {
    const unknown = await validate(observation({ code: 'omh:no-such-thing:1.0' }));
    expect(unknown.body).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'code-invalid',
          diagnostics: 'No Open mHealth schema is bundled for the code "omh:no-such-thing:1.0".',
          expression: ['Observation.code.coding[0].code'],
        },
      ],
    });
    // omh:body-height:1.0 is bundled but no scope row exists for it.
    const height = {
      body_height: { value: 180, unit: 'cm' },
      effective_time_frame: { date_time: '2025-01-01T08:00:00Z' },
    };
    expect((await validate(observation({ code: 'omh:body-height:1.0', data: height }))).body).toEqual(ALL_OK);
    const wrong = await validate(
      observation({ code: 'omh:body-height:1.0', data: { body_height: { value: 180 } } }),
    );
    expect((wrong.body as { issue: { severity: string }[] }).issue.every((i) => i.severity === 'error')).toBe(
      true,
    );
  });

  it('stores nothing', async () => {
    const value = `validate-${crypto.randomUUID()}`;
    expect(
      (await validate(observation({ identifier: { system: 'https://ehr.example.com', value } }))).body,
    ).toEqual(ALL_OK);
    const rows = await createDb(env.DB)
      .select({ id: observationIdentifiers.id })
      .from(observationIdentifiers)
      .where(inArray(observationIdentifiers.value, [value]));
    expect(rows).toEqual([]);
  });
});
