/**
 * The admin observation list (API.md C.7). Visibility is exactly consent as authorization (E.4,
 * E.5 [R]) through `observationsVisibleTo`; the filters only narrow it.
 */
import { and, count, desc, eq, inArray, type SQL } from 'drizzle-orm';
import { memberOrganizationIds, observationsVisibleTo, studiesVisibleTo } from '../consent';
import type { Db } from '../db/client';
import { codeableConcepts, observations, patientOrganizations, patients, studies } from '../db/schema';
import { AppError } from '../lib/errors';
import type { Principal } from '../lib/principal';
import { scopeColumnsVia, type CodeableConceptRow } from './data-sources';

export interface AdminObservationFilters {
  organizationId?: number;
  studyId?: number;
  patientId?: number;
  observationId?: number;
}

export interface AdminObservationRecord {
  id: number;
  patientId: number;
  patientNameFamily: string | null;
  patientNameGiven: string | null;
  patientUserId: number | null;
  scope: CodeableConceptRow;
  lastUpdated: string;
  /** The stored Open mHealth JSON, parsed, keys untouched (C.7). */
  omhData: unknown;
}

const FORBIDDEN = 'You do not have permission to perform this action.';
const STUDY_FORBIDDEN = 'Current User does not have authorization to access this Study.';

function parseStored(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Stored rows passed validation on upload; an unreadable one is shown as absent, not a 500.
    return null;
  }
}

/**
 * One page of the observations the practitioner may read, newest `lastUpdated` first (then id
 * descending). Patients and bare clients get 403 (C.7 [R]); a study filter naming a study the
 * caller is not a member of (or none at all) is 403 (E.4, A.8). The study check, the count and the
 * page (observations joined to patients and scopes) are one batch, whatever the page size.
 */
export async function listObservationsForAdmin(
  db: Db,
  principal: Principal,
  filters: AdminObservationFilters,
  page: { offset: number; limit: number },
): Promise<{ count: number; records: AdminObservationRecord[] }> {
  if (principal.kind !== 'practitioner') throw new AppError('forbidden', FORBIDDEN);
  const conditions: (SQL | undefined)[] = [
    observationsVisibleTo(db, principal, filters.studyId === undefined ? {} : { studyId: filters.studyId }),
    filters.patientId === undefined ? undefined : eq(observations.patientId, filters.patientId),
    filters.observationId === undefined ? undefined : eq(observations.id, filters.observationId),
    // Narrows to patients of that organization, which must be one of the caller's (E.4).
    filters.organizationId === undefined
      ? undefined
      : inArray(
          observations.patientId,
          db
            .select({ id: patientOrganizations.patientId })
            .from(patientOrganizations)
            .where(
              and(
                eq(patientOrganizations.organizationId, filters.organizationId),
                inArray(
                  patientOrganizations.organizationId,
                  memberOrganizationIds(db, principal.practitionerId),
                ),
              ),
            ),
        ),
  ];
  const where = and(...conditions);
  const countQuery = db.select({ n: count() }).from(observations).where(where);
  const pageQuery = db
    .select({
      id: observations.id,
      patientId: observations.patientId,
      patientNameFamily: patients.nameFamily,
      patientNameGiven: patients.nameGiven,
      patientUserId: patients.userId,
      scope: scopeColumnsVia(observations.scopeCodeId),
      lastUpdated: observations.lastUpdated,
      omhData: observations.omhData,
    })
    .from(observations)
    .innerJoin(patients, eq(patients.id, observations.patientId))
    .innerJoin(codeableConcepts, eq(codeableConcepts.id, observations.scopeCodeId))
    .where(where)
    .orderBy(desc(observations.lastUpdated), desc(observations.id))
    .limit(page.limit)
    .offset(page.offset);

  let totals: { n: number }[];
  let rows: Awaited<typeof pageQuery>;
  if (filters.studyId === undefined) {
    [totals, rows] = await db.batch([countQuery, pageQuery]);
  } else {
    const studyQuery = db
      .select({ id: studies.id })
      .from(studies)
      .where(and(eq(studies.id, filters.studyId), studiesVisibleTo(db, principal)));
    let visibleStudy: { id: number }[];
    [visibleStudy, totals, rows] = await db.batch([studyQuery, countQuery, pageQuery]);
    if (visibleStudy.length === 0) throw new AppError('forbidden', STUDY_FORBIDDEN);
  }
  return {
    count: totals[0]?.n ?? 0,
    records: rows.map((row) => ({ ...row, omhData: parseStored(row.omhData) })),
  };
}
