/**
 * Row builders for the patient, consent and study tests: every test makes its own organizations,
 * practitioners and patients (unique names), so files sharing the database never collide.
 */
import { env } from 'cloudflare:test';
import { createDb } from '../../src/db/client';
import {
  observations,
  organizations,
  patientIdentifiers,
  patientOrganizations,
  patients,
  practitionerOrganizations,
  practitioners,
  studies,
  studyPatients,
  users,
  type PractitionerRole,
} from '../../src/db/schema';
import { unique } from '../fixtures/builders';
import { accessTokenFor } from '../fixtures/oauth';

export const db = createDb(env.DB);

/** Keep only seeded ids (API.md F): other files add rows to the same organizations. */
export const seeded = (ids: readonly number[], last: number) => ids.filter((id) => id <= last);

export async function makeOrganization(name = `Org ${unique()}`): Promise<number> {
  const [org] = await db.insert(organizations).values({ name, type: 'laboratory', partOf: 0 }).returning();
  if (!org) throw new Error('no organization');
  return org.id;
}

export interface TestPractitioner {
  userId: number;
  practitionerId: number;
  email: string;
  token: string;
}

/** A practitioner with the given memberships and a real access token. */
export async function makePractitioner(
  memberships: readonly [organizationId: number, role: PractitionerRole][] = [],
): Promise<TestPractitioner> {
  const email = `prac-${unique()}@example.com`;
  const [user] = await db
    .insert(users)
    .values({ email, userType: 'practitioner', firstName: 'Test', lastName: 'Practitioner' })
    .returning();
  if (!user) throw new Error('no user');
  const [practitioner] = await db
    .insert(practitioners)
    .values({ userId: user.id, nameFamily: 'Practitioner', nameGiven: 'Test' })
    .returning();
  if (!practitioner) throw new Error('no practitioner');
  if (memberships.length) {
    await db.insert(practitionerOrganizations).values(
      memberships.map(([organizationId, role]) => ({
        practitionerId: practitioner.id,
        organizationId,
        role,
      })),
    );
  }
  return { userId: user.id, practitionerId: practitioner.id, email, token: await accessTokenFor(user.id) };
}

export interface TestPatient {
  userId: number;
  patientId: number;
  email: string;
}

/** A patient with a user, in the given organizations, enrolled in the given studies. */
export async function makePatient(
  options: {
    organizations?: number[];
    studies?: number[];
    identifiers?: [string, string][];
    nameFamily?: string;
  } = {},
): Promise<TestPatient> {
  const email = `pat-${unique()}@example.com`;
  const [user] = await db
    .insert(users)
    .values({ email, userType: 'patient', firstName: 'Test', lastName: options.nameFamily ?? 'Patient' })
    .returning();
  if (!user) throw new Error('no user');
  const [patient] = await db
    .insert(patients)
    .values({
      userId: user.id,
      nameFamily: options.nameFamily ?? 'Patient',
      nameGiven: 'Test',
      birthDate: '1990-01-01',
      telecomPhone: '555-0100',
    })
    .returning();
  if (!patient) throw new Error('no patient');
  const orgs = options.organizations ?? [20003];
  if (orgs.length) {
    await db
      .insert(patientOrganizations)
      .values(orgs.map((organizationId) => ({ patientId: patient.id, organizationId })));
  }
  if (options.studies?.length) {
    await db
      .insert(studyPatients)
      .values(options.studies.map((studyId) => ({ studyId, patientId: patient.id })));
  }
  if (options.identifiers?.length) {
    await db
      .insert(patientIdentifiers)
      .values(options.identifiers.map(([system, value]) => ({ patientId: patient.id, system, value })));
  }
  return { userId: user.id, patientId: patient.id, email };
}

export async function makeStudy(organizationId: number, name = `Study ${unique()}`): Promise<number> {
  const [study] = await db.insert(studies).values({ name, description: 'Test', organizationId }).returning();
  if (!study) throw new Error('no study');
  return study.id;
}

/** A bare observation row (the admin API never reads its payload). */
export async function makeObservation(patientId: number, scopeCodeId: number): Promise<number> {
  const [row] = await db
    .insert(observations)
    .values({ patientId, scopeCodeId, omhData: '{}', effectiveStart: new Date().toISOString() })
    .returning();
  if (!row) throw new Error('no observation');
  return row.id;
}
