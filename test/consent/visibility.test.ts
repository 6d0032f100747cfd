import { env } from 'cloudflare:test';
import { and, asc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { observationsVisibleTo, patientsVisibleTo, studiesVisibleTo } from '../../src/consent';
import { createDb } from '../../src/db/client';
import { consents, observations, patients, studies, studyPatients } from '../../src/db/schema';
import type { Principal } from '../../src/lib/principal';
import { seedTestData } from '../fixtures/seed';

const db = createDb(env.DB);
const base = { clientId: 'test', scope: 'openid', jti: 'j' };
const practitioner = (userId: number, practitionerId: number, isSuperuser = false): Principal => ({
  kind: 'practitioner',
  ...base,
  userId,
  practitionerId,
  isSuperuser,
});
const MARY = practitioner(10002, 80002);
const VICTOR = practitioner(10004, 80004);
const MARK = practitioner(10008, 80006);
const TOM = practitioner(10005, 80005);
const SAM = practitioner(10001, 80001, true);
const PETER: Principal = { kind: 'patient', ...base, userId: 10006, patientId: 40001 };
const SOF: Principal = { kind: 'client', ...base };

const seeded = (ids: number[]) => ids.filter((id) => id <= 60009);
async function visibleObservations(principal: Principal, studyId?: number) {
  const rows = await db
    .select({ id: observations.id })
    .from(observations)
    .where(observationsVisibleTo(db, principal, studyId === undefined ? {} : { studyId }))
    .orderBy(asc(observations.id));
  return seeded(rows.map((r) => r.id));
}

beforeAll(async () => {
  await seedTestData();
});

describe('patientsVisibleTo', () => {
  it('shows practitioners the patients of their direct organizations only', async () => {
    const ids = async (p: Principal) =>
      (
        await db
          .select({ id: patients.id })
          .from(patients)
          .where(patientsVisibleTo(db, p))
          .orderBy(asc(patients.id))
      )
        .map((r) => r.id)
        .filter((id) => id <= 40005);
    expect(await ids(MARY)).toEqual([40001, 40002]);
    expect(await ids(MARK)).toEqual([40003, 40005]);
    expect(await ids(TOM)).toEqual([40001, 40002, 40003, 40004, 40005]);
    expect(await ids(SAM)).toEqual([]);
    expect(await ids(PETER)).toEqual([40001]);
    expect(await ids(SOF)).toEqual([]);
  });
});

describe('studiesVisibleTo', () => {
  it('follows direct membership, not the organization tree', async () => {
    const ids = async (p: Principal) =>
      (
        await db
          .select({ id: studies.id })
          .from(studies)
          .where(studiesVisibleTo(db, p))
          .orderBy(asc(studies.id))
      )
        .map((r) => r.id)
        .filter((id) => id <= 30005);
    expect(await ids(MARY)).toEqual([30001, 30002]);
    // Mark manages Cardiology (20006) and Moslehi Lab (20007) but not Olgin Lab (20008).
    expect(await ids(MARK)).toEqual([30003, 30004]);
    expect(await ids(PETER)).toEqual([30001, 30002]);
  });
});

describe('observationsVisibleTo', () => {
  it('shows observations only through a consented, requested scope of a study of the caller', async () => {
    // Pamela's 60005 is BP consented for 30002 too; Peter's BP/HR are consented for 30001.
    expect(await visibleObservations(MARY)).toEqual([60001, 60002, 60003, 60004, 60005]);
    expect(await visibleObservations(VICTOR)).toEqual([60001, 60002, 60003, 60004, 60005]);
    expect(await visibleObservations(MARK)).toEqual([60006, 60008]);
    expect(await visibleObservations(SAM)).toEqual([]);
    expect(await visibleObservations(PETER)).toEqual([60001, 60002]);
    expect(await visibleObservations(SOF)).toEqual([]);
  });

  it('narrows to one study when asked', async () => {
    // Peter has no consent for 30002: nothing of his is visible through it.
    expect(await visibleObservations(MARY, 30002)).toEqual([60003, 60005]);
  });

  it('hides data at once when consent is revoked and shows it again on re-consent', async () => {
    const pamelaBp30001 = and(
      eq(consents.scopeCodeId, 50002),
      eq(
        consents.studyPatientId,
        db
          .select({ id: studyPatients.id })
          .from(studyPatients)
          .where(and(eq(studyPatients.patientId, 40002), eq(studyPatients.studyId, 30001))),
      ),
    );
    await db.update(consents).set({ consented: false }).where(pamelaBp30001);
    try {
      expect(await visibleObservations(MARY, 30001)).toEqual([60001, 60002, 60004]);
      // Still visible through 30002, where Pamela consented to BP.
      expect(await visibleObservations(MARY)).toEqual([60001, 60002, 60003, 60004, 60005]);
    } finally {
      await db.update(consents).set({ consented: true }).where(pamelaBp30001);
    }
    expect(await visibleObservations(MARY, 30001)).toEqual([60001, 60002, 60003, 60004, 60005]);
  });
});
