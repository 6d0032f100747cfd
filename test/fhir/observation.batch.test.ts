import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api } from '../fixtures/api';
import { makeConsentingPatient } from '../fixtures/builders';
import { countStatements } from '../fixtures/count-queries';
import { bundle, observation } from '../fixtures/fhir';
import { accessTokenFor, bearer } from '../fixtures/oauth';
import { seedTestData } from '../fixtures/seed';

let tokens: Record<Actor, string>;
beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

interface ResponseEntry {
  resource?: { resourceType: string; id: string };
  response: { status: string; location?: string; outcome?: { issue: { diagnostics: string }[] } };
}
interface ResponseBundle {
  resourceType: string;
  type: string;
  entry: ResponseEntry[];
  issue?: { diagnostics: string }[];
}

const postBundle = (token: string, body: unknown, base = '/fhir/r5/') =>
  api<ResponseBundle>(base, token, { method: 'POST', body });

async function count(patientId: number): Promise<number> {
  return (
    (
      await env.DB.prepare('SELECT count(*) AS n FROM observations WHERE patient_id = ?')
        .bind(patientId)
        .first<{ n: number }>()
    )?.n ?? 0
  );
}

/** The seed README's batch example (API.md D.7), with a fresh identifier. */
function seedReadmeBundle(identifier: string) {
  return {
    resourceType: 'Bundle',
    type: 'batch',
    entry: [
      {
        resource: {
          resourceType: 'Observation',
          status: 'final',
          code: { coding: [{ system: 'https://w3id.org/openmhealth', code: 'omh:blood-pressure:4.0' }] },
          subject: { reference: 'Patient/40001' },
          device: { reference: 'Device/70001' },
          identifier: [{ value: identifier, system: 'https://ehr.example.com' }],
          valueAttachment: {
            contentType: 'application/json',
            data: 'eyJzeXN0b2xpY19ibG9vZF9wcmVzc3VyZSI6eyJ2YWx1ZSI6MTQyLCJ1bml0IjoibW1IZyJ9LCJkaWFzdG9saWNfYmxvb2RfcHJlc3N1cmUiOnsidmFsdWUiOjg5LCJ1bml0IjoibW1IZyJ9LCJlZmZlY3RpdmVfdGltZV9mcmFtZSI6eyJkYXRlX3RpbWUiOiIyMDIxLTAzLTE0VDA5OjI1OjAwLTA3OjAwIn19',
          },
        },
        request: { method: 'POST', url: 'Observation' },
      },
    ],
  };
}

describe('POST /fhir/r5/ batch (D.7)', () => {
  it('accepts the seed README example (a bare body) at every spelling of the base', async () => {
    for (const base of ['/fhir/r5/', '/fhir/r5', '/FHIR/R5/', '/FHIR/R5']) {
      const res = await postBundle(tokens.patient, seedReadmeBundle(crypto.randomUUID()), base);
      expect(res.status, base).toBe(200);
      expect(res.body.type).toBe('batch-response');
      expect(res.body.entry[0]?.response.status).toBe('201 Created');
      expect(res.body.entry[0]?.resource?.resourceType).toBe('Observation');
    }
  });

  it('answers one entry per request entry, in order, each with its own status', async () => {
    const dup = crypto.randomUUID();
    const before = await count(40001);
    const res = await postBundle(
      tokens.patient,
      bundle([
        observation(),
        observation({ code: 'omh:body-temperature:4.0' }),
        observation({ data: { header: {}, body: {} } }),
        observation({ identifier: { system: 's', value: dup } }),
        observation({ identifier: { system: 's', value: dup } }),
        { resourceType: 'Patient' },
        observation({ code: 'omh:nothing:1.0' }),
      ]),
    );
    expect(res.status).toBe(200);
    expect(res.body.entry.map((e) => e.response.status)).toEqual([
      '201 Created',
      '403 Forbidden',
      '422 Unprocessable Entity',
      '201 Created',
      '409 Conflict',
      '400 Bad Request',
      '400 Bad Request',
    ]);
    expect(res.body.entry[4]?.response.outcome?.issue[0]?.diagnostics).toBe(
      `Identifier already exists: system=s value=${dup}`,
    );
    expect(res.body.entry[0]?.response.location).toBe(`Observation/${res.body.entry[0]?.resource?.id}`);
    expect(await count(40001)).toBe(before + 2);
  });

  it('rejects whole requests that are not batch Bundles with an OperationOutcome', async () => {
    const cases: [unknown, number][] = [
      [{ resourceType: 'Observation' }, 400],
      [{ resourceType: 'Bundle', type: 'collection', entry: [] }, 400],
      [{ resourceType: 'Bundle', type: 'batch' }, 400],
      ['not json', 400],
      [bundle([{ ...observation(), valueAttachment: { contentType: 'application/json' } }]), 400],
    ];
    for (const [body, status] of cases) {
      const res = await postBundle(tokens.patient, body);
      expect(res.status).toBe(status);
      expect(res.body.resourceType).toBe('OperationOutcome');
    }
  });

  it('refuses more than 1000 entries with 413', async () => {
    const res = await postBundle(
      tokens.patient,
      bundle(Array.from({ length: 1001 }, () => observation({ identifier: null }))),
    );
    expect(res.status).toBe(413);
    expect(res.body.issue?.[0]?.diagnostics).toMatch(/at most 1000 entries/);
  });

  it('needs a bearer token', async () => {
    expect((await api('/fhir/r5/', null, { method: 'POST', body: bundle([observation()]) })).status).toBe(
      401,
    );
  });

  it('supports conditional create per entry (request.ifNoneExist)', async () => {
    const identifier = { system: 'https://phone.example', value: crypto.randomUUID() };
    const entry = {
      resource: observation({ identifier }),
      request: {
        method: 'POST',
        url: 'Observation',
        ifNoneExist: `identifier=${identifier.system}|${identifier.value}`,
      },
    };
    const first = await postBundle(tokens.patient, { resourceType: 'Bundle', type: 'batch', entry: [entry] });
    const retry = await postBundle(tokens.patient, { resourceType: 'Bundle', type: 'batch', entry: [entry] });
    expect(first.body.entry[0]?.response.status).toBe('201 Created');
    expect(retry.body.entry[0]?.response.status).toBe('200 OK');
    expect(retry.body.entry[0]?.resource?.id).toBe(first.body.entry[0]?.resource?.id);
  });
});

describe('POST /fhir/r5/ transaction', () => {
  it('stores everything when every entry passes', async () => {
    const fresh = await makeConsentingPatient();
    const token = await accessTokenFor(fresh.userId);
    const res = await postBundle(
      token,
      bundle(
        [observation({ patientId: fresh.patientId }), observation({ patientId: fresh.patientId })],
        'transaction',
      ),
    );
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('transaction-response');
    expect(await count(fresh.patientId)).toBe(2);
  });

  it("stores nothing when one entry fails, and answers that entry's error", async () => {
    const fresh = await makeConsentingPatient();
    const token = await accessTokenFor(fresh.userId);
    const res = await postBundle(
      token,
      bundle(
        [
          observation({ patientId: fresh.patientId }),
          observation({ patientId: fresh.patientId, code: 'omh:body-temperature:4.0' }),
        ],
        'transaction',
      ),
    );
    expect(res.status).toBe(403);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(await count(fresh.patientId)).toBe(0);
  });
});

describe('batch cost', () => {
  it('issues the same number of D1 statements for 5 and for 500 entries', async () => {
    const fresh = await makeConsentingPatient();
    const token = await accessTokenFor(fresh.userId);
    const run = async (n: number) => {
      const body = bundle(Array.from({ length: n }, () => observation({ patientId: fresh.patientId })));
      const result = await countStatements('/fhir/r5/', {
        method: 'POST',
        headers: { ...bearer(token), 'Content-Type': 'application/fhir+json' },
        body: JSON.stringify(body),
      });
      expect(result.status).toBe(200);
      return result.statements.filter((s) => !s.includes('token_revocations'));
    };
    await run(1); // warm the revocation cache
    const small = await run(5);
    const large = await run(500);
    // Reads: one query per table (chunked per 100 ids for identifiers); writes: one multi-row insert per ~7 rows.
    const reads = (statements: string[]) =>
      statements.filter((s) => s.trimStart().toLowerCase().startsWith('select')).length;
    expect(reads(large) - reads(small)).toBeLessThanOrEqual(Math.ceil(500 / 49) * 1);
    expect(large.length).toBeLessThan(500 / 2);
    expect(await count(fresh.patientId)).toBe(506);
  });
});
