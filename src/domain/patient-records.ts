import { asc, count, eq, inArray, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../db/client';
import { organizations, patientIdentifiers, patientOrganizations, patients, users } from '../db/schema';
import { chunk, D1_MAX_BOUND_PARAMETERS } from '../lib/chunk';
import type { IdentifierRow, OrganizationRow } from './users';

/** A patient with what every wire shape of a Patient needs (API.md C.3). */
export interface PatientRecord {
  patient: typeof patients.$inferSelect;
  email: string | null;
  identifiers: IdentifierRow[];
  organizations: OrganizationRow[];
}

/** The three reads a set of patients needs, for the patients whose id is in `ids` (a list or a subquery). */
function recordQueries(db: Db, ids: number[] | SQL | ReturnType<typeof pageIds>) {
  return [
    db
      .select({ patient: patients, email: users.email })
      .from(patients)
      .leftJoin(users, eq(users.id, patients.userId))
      .where(inArray(patients.id, ids))
      .orderBy(asc(patients.id)),
    db
      .select({
        patientId: patientIdentifiers.patientId,
        id: patientIdentifiers.id,
        system: patientIdentifiers.system,
        value: patientIdentifiers.value,
      })
      .from(patientIdentifiers)
      .where(inArray(patientIdentifiers.patientId, ids))
      .orderBy(asc(patientIdentifiers.id)),
    db
      .select({ patientId: patientOrganizations.patientId, organization: organizations })
      .from(patientOrganizations)
      .innerJoin(organizations, eq(organizations.id, patientOrganizations.organizationId))
      .where(inArray(patientOrganizations.patientId, ids))
      .orderBy(asc(organizations.name), asc(organizations.id)),
  ] as const;
}

type Rows<T> = T extends PromiseLike<infer R> ? R : never;
type Queries = ReturnType<typeof recordQueries>;
type RecordRows = readonly [Rows<Queries[0]>, Rows<Queries[1]>, Rows<Queries[2]>];

function assemble(into: Map<number, PatientRecord>, [rows, identifiers, orgs]: RecordRows): void {
  for (const row of rows)
    into.set(row.patient.id, { patient: row.patient, email: row.email, identifiers: [], organizations: [] });
  for (const { patientId, ...identifier } of identifiers) into.get(patientId)?.identifiers.push(identifier);
  for (const { patientId, organization } of orgs) into.get(patientId)?.organizations.push(organization);
}

/**
 * Load full patient records for `ids`, keeping their order: each table is read once per chunk of
 * 100 ids (D1's bound-parameter limit), all reads in one batch — never one query per patient.
 */
export async function loadPatientRecords(db: Db, ids: readonly number[]): Promise<PatientRecord[]> {
  if (ids.length === 0) return [];
  const byId = new Map<number, PatientRecord>();
  for (const part of chunk([...new Set(ids)], D1_MAX_BOUND_PARAMETERS - 1)) {
    assemble(byId, await db.batch(recordQueries(db, part)));
  }
  return ids.flatMap((id) => byId.get(id) ?? []);
}

function pageIds(db: Db, where: SQL | undefined, page: PageWindow) {
  return db
    .select({ id: patients.id })
    .from(patients)
    .where(where)
    .orderBy(asc(patients.id))
    .limit(page.limit)
    .offset(page.offset);
}

export interface PageWindow {
  limit: number;
  offset: number;
}

export interface PatientPage {
  count: number;
  records: PatientRecord[];
}

/**
 * One page of the patients matching `where` (a predicate on `patients`), ordered by id (A.5: a
 * total order), with the total count. The count, the page and its identifiers and organizations
 * are read in ONE batch, the page's ids given to the child reads as a subquery, so any page costs
 * the same statements whatever its size. `alongside` writes (sticky settings) join that batch.
 */
export async function loadPatientPage(
  db: Db,
  where: SQL | undefined,
  page: PageWindow,
  alongside: readonly BatchItem<'sqlite'>[] = [],
): Promise<PatientPage> {
  const [counted, ...rest] = await db.batch([
    db.select({ n: count() }).from(patients).where(where),
    ...recordQueries(db, pageIds(db, where, page)),
    ...alongside,
  ]);
  const [rows, identifiers, orgs] = rest;
  const byId = new Map<number, PatientRecord>();
  assemble(byId, [rows, identifiers, orgs]);
  return { count: counted[0]?.n ?? 0, records: [...byId.values()] };
}
