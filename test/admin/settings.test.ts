import { env } from 'cloudflare:test';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { settings } from '../../src/db/schema';
import { readSetting } from '../../src/db/settings';
import { actorTokens, type Actor } from '../fixtures/actors';
import { api, type Page } from '../fixtures/api';
import { unique } from '../fixtures/builders';
import { countStatements, ownStatements } from '../fixtures/count-queries';
import { bearer } from '../fixtures/oauth';
import { seedTestData } from '../fixtures/seed';

interface Setting {
  id: number;
  key: string;
  valueType: string;
  resolvedValue: unknown;
  lastUpdated: string;
}

const db = createDb(env.DB);
const NOT_FOUND = { detail: 'No JheSetting matches the given query.' };
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
/** Drizzle omits the `offset` on page 1. */
const pageStatements = (statements: string[]) =>
  ownStatements(statements).map((s) => s.replace(/ offset \?$/, ''));

let tokens: Record<Actor, string>;
const cleanupKeys: string[] = [];

async function create(body: Record<string, unknown>) {
  const res = await api<Setting>('/api/v1/jhe_settings', tokens.superuser, { method: 'POST', body });
  if (typeof body.key === 'string') cleanupKeys.push(body.key);
  return res;
}

beforeAll(async () => {
  await seedTestData();
  tokens = await actorTokens();
});

afterAll(async () => {
  if (cleanupKeys.length > 0) await db.delete(settings).where(inArray(settings.key, cleanupKeys));
});

describe('GET /api/v1/jhe_settings', () => {
  it('lists the settings by id with typed values', async () => {
    const res = await api<Page<Setting>>('/api/v1/jhe_settings', tokens.superuser);
    expect(res.status).toBe(200);
    const byKey = new Map(res.body.results.map((s) => [s.key, s]));
    expect(byKey.get('site.registration_invite_code')).toEqual({
      id: expect.any(Number),
      key: 'site.registration_invite_code',
      valueType: 'string',
      resolvedValue: 'jhe',
      lastUpdated: expect.stringMatching(ISO),
    });
    expect(byKey.get('auth.patient.invitation_expiration_days')).toMatchObject({
      valueType: 'int',
      resolvedValue: 7,
    });
    expect(byKey.get('module.ow')).toMatchObject({ valueType: 'bool', resolvedValue: false });
    expect(byKey.get('auth.sof.trusted_issuers')).toMatchObject({
      valueType: 'json',
      resolvedValue: ['https://fhir.epic.com/interconnect-fhir-oauth/oauth2'],
    });
    const ids = res.body.results.map((s) => s.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('reads the same number of statements for a 1-row page and a full page', async () => {
    const init = { headers: bearer(tokens.superuser) };
    const one = await countStatements('/api/v1/jhe_settings?page_size=1', init);
    const many = await countStatements('/api/v1/jhe_settings', init);
    expect((one.body as Page<Setting>).results).toHaveLength(1);
    expect((many.body as Page<Setting>).results.length).toBeGreaterThanOrEqual(16);
    expect(pageStatements(many.statements)).toEqual(pageStatements(one.statements));
  });
});

describe('POST /api/v1/jhe_settings', () => {
  it.each([
    ['string', 'hello', 'hello'],
    ['int', '42', 42],
    ['int', -7, -7],
    ['bool', 'yes', true],
    ['bool', 0, false],
    ['float', '1.5', 1.5],
    ['json', { a: [1, 2] }, { a: [1, 2] }],
  ])('stores a %s from %j and resolves it to %j', async (valueType, value, resolvedValue) => {
    const key = `test.${unique()}`;
    const res = await create({ key, valueType, value });
    expect(res).toMatchObject({
      status: 201,
      body: {
        id: expect.any(Number),
        key,
        valueType,
        resolvedValue,
        lastUpdated: expect.stringMatching(ISO),
      },
    });
  });

  it('accepts snake_case value_type', async () => {
    const key = `test.${unique()}`;
    expect(await create({ key, value_type: 'int', value: 3 })).toMatchObject({
      status: 201,
      body: { valueType: 'int', resolvedValue: 3 },
    });
  });

  it.each([
    ['int', 'abc', 'Invalid int'],
    ['int', 1.5, 'Invalid int'],
    ['bool', 'maybe', 'Invalid bool'],
    ['float', 'x1', 'Invalid float'],
    ['string', { a: 1 }, 'Invalid string'],
  ])('answers 400 for a %s given %j', async (valueType, value, message) => {
    const key = `test.${unique()}`;
    expect(await create({ key, valueType, value })).toMatchObject({
      status: 400,
      body: { value: [message] },
    });
  });

  it('answers 400 with a field map for missing fields and an unknown type', async () => {
    expect(await create({})).toMatchObject({
      status: 400,
      body: {
        key: ['This field is required.'],
        valueType: ['This field is required.'],
        value: ['This field is required.'],
      },
    });
    expect(await create({ key: `test.${unique()}`, valueType: 'date', value: 'x' })).toMatchObject({
      status: 400,
      body: { valueType: ['Not a valid choice.'] },
    });
  });

  it('answers 400 for a key that already exists', async () => {
    expect(await create({ key: 'site.ui.title', valueType: 'string', value: 'Dup' })).toMatchObject({
      status: 400,
      body: { key: ['jhe setting with this key already exists.'] },
    });
  });

  it('is read by readSetting at once (no cache)', async () => {
    const key = `test.${unique()}`;
    const res = await create({ key, valueType: 'int', value: '12' });
    expect(await readSetting(db, key)).toBe('12');
    await api(`/api/v1/jhe_settings/${res.body.id}`, tokens.superuser, {
      method: 'PATCH',
      body: { value: 13 },
    });
    expect(await readSetting(db, key)).toBe('13');
  });
});

describe('GET/PATCH/PUT/DELETE /api/v1/jhe_settings/{id}', () => {
  it('returns one setting', async () => {
    const key = `test.${unique()}`;
    const created = await create({ key, valueType: 'bool', value: true });
    expect(await api(`/api/v1/jhe_settings/${created.body.id}`, tokens.superuser)).toMatchObject({
      status: 200,
      body: { id: created.body.id, key, valueType: 'bool', resolvedValue: true },
    });
  });

  it('changes the value, coerced to the current type', async () => {
    const created = await create({ key: `test.${unique()}`, valueType: 'int', value: 1 });
    const res = await api(`/api/v1/jhe_settings/${created.body.id}`, tokens.superuser, {
      method: 'PATCH',
      body: { value: '99' },
    });
    expect(res).toMatchObject({ status: 200, body: { valueType: 'int', resolvedValue: 99 } });
    const bad = await api(`/api/v1/jhe_settings/${created.body.id}`, tokens.superuser, {
      method: 'PATCH',
      body: { value: 'many' },
    });
    expect(bad).toMatchObject({ status: 400, body: { value: ['Invalid int'] } });
  });

  it('needs a value to change the type', async () => {
    const created = await create({ key: `test.${unique()}`, valueType: 'int', value: 1 });
    const path = `/api/v1/jhe_settings/${created.body.id}`;
    expect(await api(path, tokens.superuser, { method: 'PATCH', body: { valueType: 'json' } })).toMatchObject(
      {
        status: 400,
        body: { value: ['Required when changing value_type.'] },
      },
    );
    expect(
      await api(path, tokens.superuser, { method: 'PATCH', body: { valueType: 'json', value: [1] } }),
    ).toMatchObject({ status: 200, body: { valueType: 'json', resolvedValue: [1] } });
  });

  it('replaces key, type and value with PUT, which needs all three', async () => {
    const created = await create({ key: `test.${unique()}`, valueType: 'string', value: 'a' });
    const path = `/api/v1/jhe_settings/${created.body.id}`;
    expect(await api(path, tokens.superuser, { method: 'PUT', body: { value: 'b' } })).toMatchObject({
      status: 400,
      body: { key: ['This field is required.'], valueType: ['This field is required.'] },
    });
    const key = `test.${unique()}`;
    cleanupKeys.push(key);
    expect(
      await api(path, tokens.superuser, { method: 'PUT', body: { key, value_type: 'float', value: 2.5 } }),
    ).toMatchObject({
      status: 200,
      body: { id: created.body.id, key, valueType: 'float', resolvedValue: 2.5 },
    });
  });

  it('answers 400 when renaming to a taken key', async () => {
    const created = await create({ key: `test.${unique()}`, valueType: 'string', value: 'a' });
    expect(
      await api(`/api/v1/jhe_settings/${created.body.id}`, tokens.superuser, {
        method: 'PATCH',
        body: { key: 'site.ui.title' },
      }),
    ).toMatchObject({ status: 400, body: { key: ['jhe setting with this key already exists.'] } });
  });

  it('deletes a setting, then answers 404', async () => {
    const created = await create({ key: `test.${unique()}`, valueType: 'string', value: 'a' });
    const path = `/api/v1/jhe_settings/${created.body.id}`;
    expect((await api(path, tokens.superuser, { method: 'DELETE' })).status).toBe(204);
    expect(await api(path, tokens.superuser)).toMatchObject({ status: 404, body: NOT_FOUND });
    expect(await api(path, tokens.superuser, { method: 'DELETE' })).toMatchObject({
      status: 404,
      body: NOT_FOUND,
    });
    expect(await api(path, tokens.superuser, { method: 'PATCH', body: { value: 'x' } })).toMatchObject({
      status: 404,
      body: NOT_FOUND,
    });
  });

  it('answers 404 for a malformed id', async () => {
    expect(await api('/api/v1/jhe_settings/abc', tokens.superuser)).toMatchObject({
      status: 404,
      body: NOT_FOUND,
    });
  });
});
