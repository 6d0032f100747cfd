import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { accessTokenFor, bearer, CALLBACK, ORIGIN, postToken } from '../fixtures/oauth';
import { seedTestData, TEST_CLIENT_IDS } from '../fixtures/seed';

const SAM = 10001;
const MARY = 10002;
const MEGAN = 10003;
const VICTOR = 10004;
const PETER = 10006;
const MARK = 10008;
const PREFIX =
  'https://play.google.com/store/apps/details?id=org.thecommonsproject.android.phr.dev&referrer=cloud_sharing=';

async function api(path: string, token: string, init: RequestInit = {}) {
  const res = await SELF.fetch(`${ORIGIN}${path}`, {
    ...init,
    headers: { ...bearer(token), 'Content-Type': 'application/json', ...init.headers },
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

async function patientIdOf(accessToken: string): Promise<unknown> {
  const profile = await api('/api/v1/users/profile', accessToken);
  return (profile.body?.patient as { id?: unknown } | null)?.id;
}

let mary: string;
beforeAll(async () => {
  await seedTestData();
  mary = await accessTokenFor(MARY);
});

describe('GET /api/v1/patients/{id}/invitation_link (seed flow B.8.1)', () => {
  it('returns PREFIX + host%7Ccode, and the code with the static verifier gives a patient token', async () => {
    const { status, body } = await api('/api/v1/patients/40001/invitation_link', mary);
    expect(status).toBe(200);
    const link = String(body?.invitationLink);
    expect(link.startsWith(`${PREFIX}localhost%3A8787%7C`)).toBe(true);
    const code = decodeURIComponent(link.slice(PREFIX.length)).split('|')[1] ?? '';
    expect(code).toMatch(/^[A-Za-z0-9]{30}$/);
    const token = await postToken({
      code,
      grant_type: 'authorization_code',
      redirect_uri: 'https://anything.example/serves-no-purpose',
      client_id: TEST_CLIENT_IDS.admin_ui,
      code_verifier: String(env.PATIENT_AUTHORIZATION_CODE_VERIFIER),
    });
    expect(token.status).toBe(200);
    expect(token.body.scope).toBe('openid');
    expect(await patientIdOf(String(token.body.access_token))).toBe(40001);
  });

  it('keeps only the newest link working', async () => {
    const codeOf = async () => {
      const { body } = await api('/api/v1/patients/40002/invitation_link', mary);
      return decodeURIComponent(String(body?.invitationLink).slice(PREFIX.length)).split('|')[1] ?? '';
    };
    const older = await codeOf();
    const newer = await codeOf();
    const redeem = (code: string) =>
      postToken({
        code,
        grant_type: 'authorization_code',
        redirect_uri: CALLBACK,
        client_id: TEST_CLIENT_IDS.admin_ui,
        code_verifier: String(env.PATIENT_AUTHORIZATION_CODE_VERIFIER),
      });
    expect((await redeem(older)).body.error).toBe('invalid_grant');
    expect((await redeem(newer)).status).toBe(200);
  });

  it('binds the code to the application named by client_id (its pk)', async () => {
    const { body } = await api('/api/v1/patients/40001/invitation_link?client_id=2', mary);
    const code = decodeURIComponent(String(body?.invitationLink).slice(PREFIX.length)).split('|')[1] ?? '';
    const asPortal = await postToken({
      code,
      grant_type: 'authorization_code',
      redirect_uri: CALLBACK,
      client_id: TEST_CLIENT_IDS.admin_ui,
      code_verifier: String(env.PATIENT_AUTHORIZATION_CODE_VERIFIER),
    });
    expect(asPortal.body.error).toBe('invalid_grant');
  });

  it('refuses a wrong verifier', async () => {
    const { body } = await api('/api/v1/patients/40001/invitation_link', mary);
    const code = decodeURIComponent(String(body?.invitationLink).slice(PREFIX.length)).split('|')[1] ?? '';
    const res = await postToken({
      code,
      grant_type: 'authorization_code',
      redirect_uri: CALLBACK,
      client_id: TEST_CLIENT_IDS.admin_ui,
      code_verifier: 'x'.repeat(60),
    });
    expect(res.body.error).toBe('invalid_grant');
  });

  it.each([
    ['a viewer of the patient organization', VICTOR, 403],
    ['a manager of another organization', MARK, 403],
    ['a patient', PETER, 403],
  ])('refuses %s', async (_, userId, status) => {
    const res = await api('/api/v1/patients/40001/invitation_link', await accessTokenFor(userId));
    expect(res).toEqual({ status, body: { detail: 'You do not have permission to perform this action.' } });
  });

  it('allows a member and a superuser, and answers 404 for an unknown patient', async () => {
    expect((await api('/api/v1/patients/40001/invitation_link', await accessTokenFor(MEGAN))).status).toBe(
      200,
    );
    expect((await api('/api/v1/patients/40001/invitation_link', await accessTokenFor(SAM))).status).toBe(200);
    expect(await api('/api/v1/patients/49999/invitation_link', mary)).toEqual({
      status: 404,
      body: { detail: 'No Patient matches the given query.' },
    });
    expect((await api('/api/v1/patients/abc/invitation_link', mary)).status).toBe(404);
  });
});

describe('POST /api/v1/invitation and /api/v1/invitation/{token} (current flow B.8.2)', () => {
  async function invite(patientId = 40001, clientId = 1) {
    const res = await api('/api/v1/invitation', mary, {
      method: 'POST',
      body: JSON.stringify({ patient_id: patientId, client_id: clientId, send_email: false }),
    });
    return res;
  }
  const redeem = (token: string) => SELF.fetch(`${ORIGIN}/api/v1/invitation/${token}`, { method: 'POST' });

  it('creates an invitation whose redeemed grant yields a patient token', async () => {
    const created = await invite();
    expect(created.status).toBe(201);
    const token = String(created.body?.token);
    expect(created.body).toMatchObject({
      patientId: 40001,
      client_id: 1,
      status: 'issued',
      invitationLink: `https://carex.ai/invitation/localhost%3A8787_${token}`,
    });
    expect(token).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(String(created.body?.tokenHash)).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const res = await redeem(token);
    expect(res.status).toBe(200);
    const redeemed = (await res.json()) as {
      grant: Record<string, string>;
      token_endpoint: string;
      expires: string;
    };
    expect(redeemed.grant).toMatchObject({
      grant_type: 'authorization_code',
      client_id: TEST_CLIENT_IDS.carex,
      redirect_uri: 'http://localhost:8787/auth/callback',
    });
    expect(redeemed.token_endpoint).toBe('http://localhost:8787/o/token/');
    const verifier = btoa(token).replace(/=/g, '');
    const tokens = await postToken({ ...redeemed.grant, code_verifier: verifier } as Record<string, string>);
    expect(tokens.status).toBe(200);
    expect(tokens.body.scope).toBe('openid email');
    expect(await patientIdOf(String(tokens.body.access_token))).toBe(40001);
  });

  it('accepts camelCase fields and reports missing ones as a field map', async () => {
    const camel = await api('/api/v1/invitation', mary, {
      method: 'POST',
      body: JSON.stringify({ patientId: 40002, clientId: 2 }),
    });
    expect(camel.status).toBe(201);
    const missing = await api('/api/v1/invitation', mary, { method: 'POST', body: '{}' });
    expect(missing).toEqual({
      status: 400,
      body: { patientId: ['This field is required.'], client_id: ['This field is required.'] },
    });
    const malformed = await api('/api/v1/invitation', mary, { method: 'POST', body: '{"patient_id":' });
    expect(malformed.status).toBe(400);
  });

  it('answers 404 for unknown patients or applications and 400 for a client without invitation URL', async () => {
    expect((await invite(49999, 1)).status).toBe(404);
    expect((await invite(40001, 999)).status).toBe(404);
    expect((await invite(40001, 4)).status).toBe(400);
  });

  it('refuses viewers, other organizations and patients', async () => {
    for (const userId of [VICTOR, MARK, PETER]) {
      const res = await api('/api/v1/invitation', await accessTokenFor(userId), {
        method: 'POST',
        body: JSON.stringify({ patient_id: 40001, client_id: 1 }),
      });
      expect(res.status).toBe(403);
    }
  });

  it('marks earlier invitations reissued (409) and refuses unknown tokens (404)', async () => {
    const first = String((await invite(40002, 1)).body?.token);
    await invite(40002, 1);
    expect((await redeem(first)).status).toBe(409);
    const unknown = await redeem('A'.repeat(32));
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ detail: 'Invitation not found or already used.' });
  });

  it('answers 410 for an expired invitation and 409 after the redemption window', async () => {
    const expired = (await invite(40001, 2)).body;
    await env.DB.prepare("UPDATE invitations SET expires_at = '2000-01-01T00:00:00.000Z' WHERE id = ?")
      .bind(Number(expired?.id))
      .run();
    const gone = await redeem(String(expired?.token));
    expect(gone.status).toBe(410);
    expect(await gone.json()).toEqual({ detail: 'Invitation has expired.' });

    const used = (await invite(40001, 3)).body;
    expect((await redeem(String(used?.token))).status).toBe(200);
    expect((await redeem(String(used?.token))).status).toBe(200);
    await env.DB.prepare("UPDATE invitations SET redeemed_at = '2000-01-01T00:00:00.000Z' WHERE id = ?")
      .bind(Number(used?.id))
      .run();
    expect((await redeem(String(used?.token))).status).toBe(409);
  });
});

describe('/api/v1/practitioner_clients (API keys)', () => {
  it('issues a key whose client_credentials token acts as the practitioner', async () => {
    const created = await api('/api/v1/practitioner_clients', mary, {
      method: 'POST',
      body: JSON.stringify({ name: 'notebook' }),
    });
    expect(created.status).toBe(201);
    const key = String(created.body?.key);
    const token = await postToken({ grant_type: 'client_credentials' }, { Authorization: `Basic ${key}` });
    expect(token.status).toBe(200);
    const profile = await api('/api/v1/users/profile', String(token.body.access_token));
    expect(profile.body).toMatchObject({ id: MARY, email: 'mary@example.com' });
    const listed = await api('/api/v1/practitioner_clients', mary);
    expect(listed.body?.results).toContainEqual(
      expect.objectContaining({ id: created.body?.id, name: 'notebook' }),
    );
    expect(JSON.stringify(listed.body)).not.toContain(key);
  });

  it("hides another practitioner's key and revokes tokens when a key is deleted", async () => {
    const created = await api('/api/v1/practitioner_clients', mary, { method: 'POST', body: '{}' });
    const id = Number(created.body?.id);
    const megan = await accessTokenFor(MEGAN);
    expect((await api(`/api/v1/practitioner_clients/${id}`, megan)).status).toBe(404);
    expect((await api(`/api/v1/practitioner_clients/${id}`, megan, { method: 'DELETE' })).status).toBe(404);
    const token = await postToken(
      { grant_type: 'client_credentials' },
      { Authorization: `Basic ${String(created.body?.key)}` },
    );
    expect((await api(`/api/v1/practitioner_clients/${id}`, mary, { method: 'DELETE' })).status).toBe(204);
    expect((await api('/api/v1/users/profile', String(token.body.access_token))).status).toBe(401);
    expect(
      (
        await postToken(
          { grant_type: 'client_credentials' },
          { Authorization: `Basic ${String(created.body?.key)}` },
        )
      ).status,
    ).toBe(401);
  });

  it('refuses patients', async () => {
    expect(
      (await api('/api/v1/practitioner_clients', await accessTokenFor(PETER), { method: 'POST', body: '{}' }))
        .status,
    ).toBe(403);
  });
});
