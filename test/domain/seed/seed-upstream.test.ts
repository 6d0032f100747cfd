import { applyD1Migrations, env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../../src/db/client';
import { seedDemo } from '../../../src/domain/seed/seed';

const rows = async (sql: string) =>
  (await env.UPSTREAM_DB.prepare(sql).all<Record<string, unknown>>()).results;

describe('seedDemo (upstream profile, SEED_PROFILE=upstream)', () => {
  beforeAll(async () => {
    await applyD1Migrations(env.UPSTREAM_DB, env.TEST_MIGRATIONS);
    await seedDemo(createDb(env.UPSTREAM_DB), { profile: 'upstream', siteUrl: 'http://localhost:8787' });
  });

  it('uses upstream names with the same ids (F.2, F.3, F.5)', async () => {
    expect(
      await rows('SELECT id, email, first_name FROM users WHERE id IN (10001, 10002, 10011) ORDER BY id'),
    ).toEqual([
      { id: 10001, email: 'admin@example.com', first_name: 'Admin' },
      { id: 10002, email: 'manager_mary@example.com', first_name: 'ManagerMary' },
      { id: 10011, email: 'ccl_cardio_patient_pat@example.com', first_name: 'CclCardioPatientPat' },
    ]);
    expect(
      await rows('SELECT id, name, type FROM organizations WHERE id IN (20002, 20003) ORDER BY id'),
    ).toEqual([
      { id: 20002, name: 'Saturn School of Data Science', type: 'team' },
      { id: 20003, name: 'Lifespan Lab', type: 'laboratory' },
    ]);
    expect(await rows('SELECT name FROM studies WHERE id = 30003')).toEqual([
      { name: 'Cardiology Div Study on BGL' },
    ]);
  });

  it('requests blood glucose in study 30003, with Dexcom, and QuestionnaireResponse in the BIDS studies', async () => {
    expect(await rows('SELECT scope_code_id AS s FROM study_scope_requests WHERE study_id = 30003')).toEqual([
      { s: 50001 },
    ]);
    expect(await rows('SELECT data_source_id AS d FROM study_data_sources WHERE study_id = 30003')).toEqual([
      { d: 70002 },
    ]);
    expect(
      await rows('SELECT scope_code_id AS s FROM study_scope_requests WHERE study_id = 30001 ORDER BY s'),
    ).toEqual([{ s: 50002 }, { s: 50004 }, { s: 50011 }]);
  });

  it("seeds Pat's 60008 as blood glucose and random client ids when none are fixed", async () => {
    expect(await rows('SELECT scope_code_id AS s FROM observations WHERE id = 60008')).toEqual([
      { s: 50001 },
    ]);
    const [portal] = await rows("SELECT client_id FROM oauth_clients WHERE name = 'JHE Admin UI'");
    expect(String(portal?.client_id)).toMatch(/^[A-Za-z0-9]{40}$/);
  });
});
