import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { oauthClients } from '../../src/db/schema';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api, type Page } from '../fixtures/api';
import { unique } from '../fixtures/builders';
import { countStatements, ownStatements } from '../fixtures/count-queries';
import { bearer } from '../fixtures/oauth';
import { seedTestData, TEST_CLIENT_IDS, TEST_SITE_URL } from '../fixtures/seed';
import { SCOPE } from '../fixtures/seed-wire';

interface Client {
  id: number;
  name: string;
  clientId: string;
  invitationUrl: string;
}

const CAREX = {
  id: 1,
  name: 'CareX',
  clientId: TEST_CLIENT_IDS.carex,
  invitationUrl: 'https://carex.ai/invitation/CODE',
};
const COMMONHEALTH = {
  id: 2,
  name: 'CommonHealth',
  clientId: TEST_CLIENT_IDS.commonhealth,
  invitationUrl: 'https://commonhealth.tcp.org?invitation=CODE',
};
const PATIENT_ACCESS = {
  id: 3,
  name: 'Patient Access',
  clientId: TEST_CLIENT_IDS.patient_access,
  invitationUrl: 'http://localhost:8001/clients/patient-access/?code=CODE',
};
const { bloodPressure: BP, heartRate: HR } = SCOPE;
const NO_CLIENT = { detail: 'No Client matches the given query.' };

let tokens: Record<Actor, string>;

async function newClient(): Promise<Client> {
  const suffix = unique();
  const res = await api<Client>('/api/v1/clients', tokens.superuser, {
    method: 'POST',
    body: {
      name: `App ${suffix}`,
      clientId: `app-${suffix}`,
      invitationUrl: `https://app.example/${suffix}/CODE`,
    },
  });
  expect(res.status).toBe(201);
  return res.body;
}

beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

describe('GET /api/v1/clients', () => {
  it('lists only applications with an invitation URL, newest first, without secrets', async () => {
    const apiKey = await api('/api/v1/practitioner_clients', tokens.manager, {
      method: 'POST',
      body: { name: 'k' },
    });
    expect(apiKey.status).toBe(201);
    const res = await api<Page<Client>>('/api/v1/clients', tokens.patient);
    expect(res.status).toBe(200);
    expect(res.body.results.filter((c) => c.id <= 3)).toEqual([PATIENT_ACCESS, COMMONHEALTH, CAREX]);
    const names = res.body.results.map((c) => c.name);
    expect(names).not.toContain('JHE Admin UI');
    expect(names).not.toContain('SoF EHR Launch');
    expect(res.body.results.every((c) => c.invitationUrl !== null)).toBe(true);
    for (const row of res.body.results)
      expect(Object.keys(row)).toEqual(['id', 'name', 'clientId', 'invitationUrl']);
    expect(res.body.count).toBe(res.body.results.length);
  });

  it('puts a new client first', async () => {
    const created = await newClient();
    const res = await api<Page<Client>>('/api/v1/clients', tokens.member);
    const ids = res.body.results.map((c) => c.id);
    expect(res.body.results).toContainEqual(created);
    expect(ids.indexOf(created.id)).toBeLessThan(ids.indexOf(PATIENT_ACCESS.id));
  });

  it('honours page_size and reads the same statements for 1 and many rows', async () => {
    const paged = await api<Page<Client>>('/api/v1/clients?page_size=1', tokens.member);
    expect(paged.body.results).toHaveLength(1);
    expect(paged.body.next).toBe('http://localhost/api/v1/clients?page_size=1&page=2');
    await newClient();
    await newClient();
    const init = { headers: bearer(tokens.member) };
    const one = await countStatements('/api/v1/clients?page_size=1', init);
    const many = await countStatements('/api/v1/clients', init);
    expect((many.body as Page<Client>).results.length).toBeGreaterThanOrEqual(5);
    expect(ownStatements(many.statements)).toEqual(ownStatements(one.statements));
  });
});

describe('GET /api/v1/clients/{id}', () => {
  it('returns a patient client', async () => {
    expect(await api('/api/v1/clients/1', tokens.viewer)).toMatchObject({ status: 200, body: CAREX });
  });

  it('answers 404 for the portal application, a missing id or a malformed one', async () => {
    for (const id of ['4', '99999', 'abc']) {
      expect(await api(`/api/v1/clients/${id}`, tokens.viewer)).toMatchObject({
        status: 404,
        body: NO_CLIENT,
      });
    }
  });
});

describe('POST /api/v1/clients', () => {
  it('creates a public, authorization-code, skip-consent client with the portal callback', async () => {
    const suffix = unique();
    const res = await api<Client>('/api/v1/clients', tokens.superuser, {
      method: 'POST',
      body: {
        name: `Snake ${suffix}`,
        client_id: `snake-${suffix}`,
        invitation_url: 'https://snake.example/CODE',
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: res.body.id,
      name: `Snake ${suffix}`,
      clientId: `snake-${suffix}`,
      invitationUrl: 'https://snake.example/CODE',
    });
    const row = await createDb(env.DB)
      .select()
      .from(oauthClients)
      .where(eq(oauthClients.id, res.body.id))
      .get();
    expect(row).toMatchObject({
      clientType: 'public',
      grantType: 'authorization-code',
      skipAuthorization: true,
      clientSecretHash: null,
      ownerUserId: null,
      redirectUris: `${TEST_SITE_URL}/auth/callback`,
    });
  });

  it('can be used for invitations right away', async () => {
    const created = await newClient();
    const res = await api<{ invitationLink: string }>('/api/v1/invitation', tokens.manager, {
      method: 'POST',
      body: { patientId: 40001, clientId: created.id },
    });
    expect(res.status).toBe(201);
    expect(res.body.invitationLink.startsWith(created.invitationUrl.replace('CODE', ''))).toBe(true);
  });

  it('answers a field map naming every missing field', async () => {
    const res = await api('/api/v1/clients', tokens.superuser, { method: 'POST', body: {} });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      name: ['This field is required.'],
      clientId: ['This field is required.'],
      invitationUrl: ['This field is required.'],
    });
  });

  it('answers 400 for a clientId already in use', async () => {
    const res = await api('/api/v1/clients', tokens.superuser, {
      method: 'POST',
      body: { name: 'Copy', clientId: TEST_CLIENT_IDS.admin_ui, invitationUrl: 'https://copy.example/CODE' },
    });
    expect(res).toMatchObject({
      status: 400,
      body: { clientId: ['application with this client id already exists.'] },
    });
  });
});

describe('PATCH and DELETE /api/v1/clients/{id}', () => {
  it('changes any of name, clientId and invitationUrl', async () => {
    const created = await newClient();
    const res = await api(`/api/v1/clients/${created.id}`, tokens.superuser, {
      method: 'PATCH',
      body: { invitation_url: 'https://moved.example/CODE', name: 'Moved' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...created, name: 'Moved', invitationUrl: 'https://moved.example/CODE' });
  });

  it('refuses a blank value and a taken clientId', async () => {
    const created = await newClient();
    const blank = await api(`/api/v1/clients/${created.id}`, tokens.superuser, {
      method: 'PATCH',
      body: { name: '' },
    });
    expect(blank).toMatchObject({ status: 400, body: { name: ['This field may not be blank.'] } });
    const taken = await api(`/api/v1/clients/${created.id}`, tokens.superuser, {
      method: 'PATCH',
      body: { clientId: TEST_CLIENT_IDS.carex },
    });
    expect(taken).toMatchObject({
      status: 400,
      body: { clientId: ['application with this client id already exists.'] },
    });
  });

  it('answers 404 for an application that is not a patient client', async () => {
    const res = await api('/api/v1/clients/4', tokens.superuser, {
      method: 'PATCH',
      body: { name: 'Hijack' },
    });
    expect(res).toMatchObject({ status: 404, body: NO_CLIENT });
    expect((await api('/api/v1/clients/4', tokens.superuser, { method: 'DELETE' })).status).toBe(404);
  });

  it('deletes a client', async () => {
    const created = await newClient();
    const res = await api(`/api/v1/clients/${created.id}`, tokens.superuser, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
    expect((await api(`/api/v1/clients/${created.id}`, tokens.superuser)).status).toBe(404);
  });
});

describe('/api/v1/clients/{id}/data_sources', () => {
  it('lists the linked data sources with their supported scopes', async () => {
    const res = await api('/api/v1/clients/1/data_sources', tokens.patient);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { id: 70001, name: 'CareX', type: 'personal_device', supportedScopes: [BP, HR] },
      {
        id: 70005,
        name: 'Questionnaire',
        type: 'patient_app',
        supportedScopes: [
          {
            id: 50011,
            codingSystem: 'http://hl7.org/fhir/resource-types',
            codingCode: 'QuestionnaireResponse',
            text: 'FHIR QuestionnaireResponse',
          },
        ],
      },
    ]);
  });

  it('links and unlinks a data source (201 body with snake client_id)', async () => {
    const created = await newClient();
    const path = `/api/v1/clients/${created.id}/data_sources`;
    const linked = await api<{ id: number }>(path, tokens.superuser, {
      method: 'POST',
      body: { dataSourceId: 70004 },
    });
    expect(linked.status).toBe(201);
    expect(linked.body).toEqual({ id: linked.body.id, client_id: created.id, dataSourceId: 70004 });
    expect((await api(path, tokens.member)).body).toEqual([
      { id: 70004, name: 'Oura', type: 'personal_device', supportedScopes: [HR] },
    ]);
    const again = await api(path, tokens.superuser, { method: 'POST', body: { data_source_id: 70004 } });
    expect(again).toMatchObject({
      status: 409,
      body: { detail: 'This client is already linked to this data source.' },
    });
    const unlinked = await api(path, tokens.superuser, { method: 'DELETE', body: { data_source_id: 70004 } });
    expect(unlinked.status).toBe(204);
    expect((await api(path, tokens.member)).body).toEqual([]);
  });

  it('answers 400 for a missing or unknown dataSourceId and 404 for an unknown client', async () => {
    const missing = await api('/api/v1/clients/2/data_sources', tokens.superuser, {
      method: 'POST',
      body: {},
    });
    expect(missing).toMatchObject({ status: 400, body: { dataSourceId: ['This field is required.'] } });
    const unknown = await api('/api/v1/clients/2/data_sources', tokens.superuser, {
      method: 'POST',
      body: { dataSourceId: 79999 },
    });
    expect(unknown).toMatchObject({
      status: 400,
      body: { dataSourceId: ['Invalid pk "79999" - object does not exist.'] },
    });
    expect(await api('/api/v1/clients/99999/data_sources', tokens.member)).toMatchObject({
      status: 404,
      body: NO_CLIENT,
    });
    const post = await api('/api/v1/clients/4/data_sources', tokens.superuser, {
      method: 'POST',
      body: { dataSourceId: 70001 },
    });
    expect(post).toMatchObject({ status: 404, body: NO_CLIENT });
  });
});
