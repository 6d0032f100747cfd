import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { base64FromUtf8 } from '../../src/lib/encoding';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api } from '../fixtures/api';
import { makeConsentingPatient } from '../fixtures/builders';
import { bloodPressurePoint, observation } from '../fixtures/fhir';
import { accessTokenFor } from '../fixtures/oauth';
import { seedTestData } from '../fixtures/seed';

let tokens: Record<Actor, string>;
beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

async function observationCount(patientId: number): Promise<number> {
  const row = await env.DB.prepare('SELECT count(*) AS n FROM observations WHERE patient_id = ?')
    .bind(patientId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

const post = (token: string, body: unknown, headers: Record<string, string> = {}) =>
  api<Record<string, unknown>>('/FHIR/R5/Observation', token, { method: 'POST', body, headers });

function diagnostics(body: unknown): string | undefined {
  return (body as { issue?: { diagnostics?: string }[] }).issue?.[0]?.diagnostics;
}

describe('POST /Observation (D.6)', () => {
  it('creates an observation for the patient themself and renders it in full with a Location', async () => {
    const point = bloodPressurePoint('2025-02-03T04:05:06-08:00');
    const res = await post(
      tokens.patient,
      observation({
        data: point,
        identifier: { system: 'https://ehr.example.com', value: crypto.randomUUID() },
      }),
    );
    expect(res.status).toBe(201);
    const id = String(res.body.id);
    expect(res.headers.get('Location')).toBe(`http://localhost/FHIR/R5/Observation/${id}`);
    expect(res.body).toMatchObject({
      resourceType: 'Observation',
      status: 'final',
      code: {
        coding: [
          {
            system: 'https://w3id.org/openmhealth',
            code: 'omh:blood-pressure:4.0',
            display: 'Blood pressure',
          },
        ],
      },
      effectiveDateTime: '2025-02-03T12:05:06.000Z',
      subject: {
        reference: 'Patient/40001',
        identifier: { system: 'https://jupyterhealth.org/fhir/identifier/jhe-user-id', value: '10006' },
      },
      device: { reference: 'Device/70001' },
      meta: { source: 'https://jupyterhealth.org/jhe' },
    });
    const attachment = res.body.valueAttachment as { contentType: string; data: string };
    expect(JSON.parse(atob(attachment.data))).toEqual(point);
  });

  it('lets a practitioner of the patient organization upload, viewers included (E.2)', async () => {
    for (const actor of ['manager', 'member', 'viewer'] as const) {
      expect((await post(tokens[actor], observation())).status, actor).toBe(201);
    }
  });

  it('accepts a bare Open mHealth body (G.2 [R]) and UTF-8 text', async () => {
    const body = { ...bloodPressurePoint().body, descriptive_statistic: 'average' };
    expect((await post(tokens.patient, observation({ data: body }))).status).toBe(201);
    const withNote = { ...bloodPressurePoint(), note: 'Blutdruck gemessen – ok ✓' };
    const res = await post(tokens.patient, observation({ data: withNote }));
    expect(res.status).toBe(201);
    expect(
      new TextDecoder().decode(
        Uint8Array.from(atob((res.body.valueAttachment as { data: string }).data), (c) => c.charCodeAt(0)),
      ),
    ).toContain('✓');
  });

  describe('checks, in the order and with the statuses of D.6', () => {
    const cases: [string, () => unknown, number, string | RegExp][] = [
      [
        '1 wrong resourceType',
        () => ({ ...observation(), resourceType: 'Patient' }),
        400,
        /resourceType must be "Observation"/,
      ],
      [
        '1 unknown element',
        () => ({ ...observation(), colour: 'blue' }),
        400,
        'Unknown element "colour" in Observation.',
      ],
      ['1 bad status', () => ({ ...observation(), status: 'done' }), 400, /status must be one of/],
      ['1 missing code', () => ({ ...observation(), code: undefined }), 400, 'code is required.'],
      [
        '1 data not base64',
        () => ({ ...observation(), valueAttachment: { contentType: 'application/json', data: '%%%' } }),
        400,
        'valueAttachment.data must be Base 64 Encoded Binary JSON.',
      ],
      [
        '2 subject not a Patient',
        () => ({ ...observation(), subject: { reference: 'Group/30001' } }),
        400,
        "Subject is required and must be a reference to a Patient ID and start with 'Patient/'",
      ],
      [
        '3 unknown patient',
        () => observation({ patientId: 49999 }),
        400,
        'Patient id=49999 can not be found.',
      ],
      [
        '4 another patient',
        () => observation({ patientId: 40002 }),
        403,
        'The Subject Patient does not match the current user.',
      ],
      [
        '5 missing device',
        () => ({ ...observation(), device: undefined }),
        400,
        "Device is required and must be a reference to a Data Source ID and start with 'Device/'",
      ],
      [
        '5 unknown device',
        () => observation({ deviceId: 79999 }),
        400,
        'Device Data Source id=79999 can not be found.',
      ],
      [
        '7 two codings',
        () => ({
          ...observation(),
          code: {
            coding: [
              { system: 'https://w3id.org/openmhealth', code: 'omh:blood-pressure:4.0' },
              { system: 'x', code: 'y' },
            ],
          },
        }),
        400,
        'Exactly one Code must be provided.',
      ],
      [
        '8 unknown code',
        () => observation({ code: 'omh:blood-pressure:9.9' }),
        400,
        'Code not found: system=https://w3id.org/openmhealth code=omh:blood-pressure:9.9',
      ],
      [
        '9 not consented',
        () => observation({ code: 'omh:body-temperature:4.0' }),
        403,
        'Code omh:body-temperature:4.0 has not been consented for any studies by this Patient.',
      ],
      [
        '10 not JSON',
        () => ({
          ...observation(),
          valueAttachment: { contentType: 'application/json', data: base64FromUtf8('not json') },
        }),
        400,
        'valueAttachment.data must be Base 64 Encoded Binary JSON.',
      ],
      [
        '11 schema failure',
        () =>
          observation({
            data: {
              ...bloodPressurePoint(),
              body: { systolic_blood_pressure: { value: 120, unit: 'mmHg' } },
            },
          }),
        422,
        /Open mHealth validation failed: \$\.body: missing required property/,
      ],
    ];
    it.each(cases)('%s', async (_, make, status, message) => {
      const before = await observationCount(40001);
      const res = await post(tokens.patient, make());
      expect(res.status).toBe(status);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(diagnostics(res.body)).toMatch(
        message instanceof RegExp
          ? message
          : new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
      );
      expect(await observationCount(40001)).toBe(before);
    });

    it('6 answers 409 for an identifier already stored, before checking the code', async () => {
      const identifier = { system: 'https://ehr.example.com', value: crypto.randomUUID() };
      expect((await post(tokens.patient, observation({ identifier }))).status).toBe(201);
      const twice = await post(tokens.patient, { ...observation({ identifier }), code: { coding: [] } });
      expect(twice.status).toBe(409);
      expect(diagnostics(twice.body)).toBe(
        `Identifier already exists: system=https://ehr.example.com value=${identifier.value}`,
      );
    });

    it('4 refuses a practitioner of another organization', async () => {
      const res = await post(tokens.outsider, observation());
      expect(res.status).toBe(403);
      expect(diagnostics(res.body)).toBe("Current user doesn't have access to the Patient.");
    });

    it('9 requires the patient consent for a practitioner upload too', async () => {
      const res = await post(tokens.manager, observation({ code: 'omh:body-temperature:4.0' }));
      expect(res.status).toBe(403);
    });

    it('names the failing JSON path of a schema error', async () => {
      const bad = bloodPressurePoint();
      bad.body.systolic_blood_pressure.unit = 'kPa';
      const res = await post(tokens.patient, observation({ data: bad }));
      expect(res.status).toBe(422);
      expect((res.body.issue as { expression?: string[] }[])[0]?.expression).toEqual([
        '$.body.systolic_blood_pressure.unit',
      ]);
    });
  });

  describe('conditional create (If-None-Exist)', () => {
    it('returns the existing observation instead of a duplicate', async () => {
      const identifier = { system: 'https://phone.example/readings', value: crypto.randomUUID() };
      const header = { 'If-None-Exist': `identifier=${identifier.system}|${identifier.value}` };
      const first = await post(tokens.patient, observation({ identifier }), header);
      expect(first.status).toBe(201);
      const before = await observationCount(40001);
      const retry = await post(tokens.patient, observation({ identifier }), header);
      expect(retry.status).toBe(200);
      expect(retry.body.id).toBe(first.body.id);
      expect(await observationCount(40001)).toBe(before);
    });
  });

  it('keeps identifier uniqueness global across patients', async () => {
    const fresh = await makeConsentingPatient();
    const token = await accessTokenFor(fresh.userId);
    const identifier = { system: 'https://global.example', value: crypto.randomUUID() };
    expect((await post(tokens.patient, observation({ identifier }))).status).toBe(201);
    expect((await post(token, observation({ identifier, patientId: fresh.patientId }))).status).toBe(409);
  });
});
