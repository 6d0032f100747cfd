import { beforeAll, describe, expect, it } from 'vitest';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api, type Page } from '../fixtures/api';
import { countStatements, ownStatements } from '../fixtures/count-queries';
import { bearer } from '../fixtures/oauth';
import { seedTestData } from '../fixtures/seed';

interface Invitation {
  id: number;
  patientId: number;
  client_id: number;
  tokenHash: string;
  token: string | null;
  status: string;
  lastUpdated: string;
}

let tokens: Record<Actor, string>;
let peters: Invitation;
let percys: Invitation;

async function invite(actor: Actor, patientId: number, clientId: number): Promise<Invitation> {
  const res = await api<Invitation>('/api/v1/invitation', tokens[actor], {
    method: 'POST',
    body: { patient_id: patientId, client_id: clientId },
  });
  expect(res.status).toBe(201);
  return res.body;
}

async function listed(actor: Actor): Promise<Page<Invitation>> {
  const res = await api<Page<Invitation>>('/api/v1/invitation', tokens[actor]);
  expect(res.status).toBe(200);
  return res.body;
}

const ids = (page: Page<Invitation>) => page.results.map((i) => i.id);

beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
  peters = await invite('manager', 40001, 1);
  percys = await invite('outsider', 40003, 2);
});

describe('GET /api/v1/invitation', () => {
  it('returns C.8 patientInvitations rows, never the token', async () => {
    const page = await listed('superuser');
    const row = page.results.find((i) => i.id === peters.id);
    expect(row).toEqual({
      id: peters.id,
      patientId: 40001,
      client_id: 1,
      tokenHash: peters.tokenHash,
      token: null,
      status: 'issued',
      lastUpdated: peters.lastUpdated,
    });
    expect(peters.token).toEqual(expect.any(String));
    expect(JSON.stringify(page)).not.toContain(String(peters.token));
  });

  it('shows the superuser every invitation, newest first', async () => {
    const page = await listed('superuser');
    expect(ids(page)).toEqual(expect.arrayContaining([peters.id, percys.id]));
    expect(ids(page)).toEqual([...ids(page)].sort((a, b) => b - a));
    expect(page.count).toBe(page.results.length);
  });

  it('shows practitioners only invitations of patients sharing an organization', async () => {
    for (const actor of ['manager', 'member', 'viewer'] as const) {
      const page = await listed(actor);
      expect(ids(page)).toContain(peters.id);
      expect(ids(page)).not.toContain(percys.id);
      expect(page.results.every((i) => [40001, 40002].includes(i.patientId) || i.patientId > 40005)).toBe(
        true,
      );
    }
    const mark = await listed('outsider');
    expect(ids(mark)).toContain(percys.id);
    expect(ids(mark)).not.toContain(peters.id);
  });

  it('marks an earlier invitation reissued after a new one', async () => {
    const first = await invite('manager', 40002, 3);
    const second = await invite('manager', 40002, 3);
    const page = await listed('manager');
    expect(page.results.find((i) => i.id === first.id)?.status).toBe('reissued');
    expect(page.results.find((i) => i.id === second.id)?.status).toBe('issued');
  });

  it('refuses patients with 403 and anonymous callers with 401', async () => {
    const patient = await api('/api/v1/invitation', tokens.patient);
    expect(patient).toMatchObject({
      status: 403,
      body: { detail: 'You do not have permission to perform this action.' },
    });
    const anonymous = await api('/api/v1/invitation', null);
    expect(anonymous.status).toBe(401);
  });

  it('pages with page_size and reads the same statements for 1 and many rows', async () => {
    await invite('manager', 40001, 2);
    const paged = await api<Page<Invitation>>('/api/v1/invitation?pageSize=1', tokens.superuser);
    expect(paged.body.results).toHaveLength(1);
    expect(paged.body.next).toBe('http://localhost/api/v1/invitation?pageSize=1&page=2');
    const init = { headers: bearer(tokens.manager) };
    const one = await countStatements('/api/v1/invitation?page_size=1', init);
    const many = await countStatements('/api/v1/invitation', init);
    expect((many.body as Page<Invitation>).results.length).toBeGreaterThanOrEqual(3);
    expect(ownStatements(many.statements)).toEqual(ownStatements(one.statements));
  });

  it('keeps creating invitations through POST (both casings) and answers its field map', async () => {
    const camel = await api('/api/v1/invitation', tokens.member, {
      method: 'POST',
      body: { patientId: 40002, clientId: 1 },
    });
    expect(camel.status).toBe(201);
    const missing = await api('/api/v1/invitation', tokens.member, { method: 'POST', body: {} });
    expect(missing).toMatchObject({
      status: 400,
      body: { patientId: ['This field is required.'], client_id: ['This field is required.'] },
    });
  });
});
