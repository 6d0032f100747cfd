/**
 * The JHE-native convenience resources of API.md D.8 (Group = study, Device = data source,
 * Organization, Practitioner): search and read under the visibility predicates of consent/ (D.10),
 * keyset paging by name then id. A patient caller's relationship filters (`patient`,
 * `patient.organization`, a study) are ignored as on Patient (D.10); filters on the resource's own
 * attributes narrow within what the caller sees.
 */
import { eq, inArray, or, sql, and, type SQL, type SQLWrapper } from 'drizzle-orm';
import {
  dataSourcesVisibleTo,
  organizationsVisibleTo,
  practitionersVisibleTo,
  studiesVisibleTo,
} from '../consent';
import type { Db } from '../db/client';
import { inIds, NO_ROWS } from '../db/expressions';
import type { SortKey } from '../db/keyset';
import { dataSources, organizations, practitioners, studies, studyPatients, users } from '../db/schema';
import type { DataSourceType, OrganizationType } from '../db/schema';
import { startsWithInsensitive } from '../db/text-match';
import { AppError } from '../lib/errors';
import type { Principal } from '../lib/principal';
import {
  assertFiltersAllowed,
  dateCondition,
  keysetPage,
  type DateBound,
  type Page,
  type PageQuery,
  type TokenCriterion,
} from './fhir-search';

export type DirectoryType = 'Group' | 'Device' | 'Organization' | 'Practitioner';

/** Criteria of a D.8 search; each type uses the ones its search parameters define. */
export interface DirectoryCriteria {
  /** `_id`; an empty list (only malformed ids) matches nothing (D.4). */
  ids?: number[];
  lastUpdated?: DateBound[];
  /** `name` starts-with prefixes: OR groups (repeats AND). */
  names?: string[][];
  /** Practitioner `identifier` (the user identifier; it has no system, so only the value counts). */
  identifiers?: TokenCriterion[][];
  /** Group: studies enrolling these patients. */
  patientIds?: number[];
  /** Group: studies of this organization. */
  organizationId?: number;
  /** Group: this study (`patient._has:Group:member:_id`). */
  studyId?: number;
}

export interface GroupRecord {
  id: number;
  name: string;
  description: string;
  lastUpdated: string;
}
export interface DeviceRecord {
  id: number;
  name: string;
  type: DataSourceType;
}
export interface OrganizationRecord {
  id: number;
  name: string;
  type: OrganizationType;
  partOf: number | null;
}
export interface PractitionerRecord {
  id: number;
  lastUpdated: string;
  nameFamily: string | null;
  nameGiven: string | null;
  identifier: string | null;
}

/** By name (then id): the order of every D.8 list. */
function byName(column: SQLWrapper, id: SQLWrapper): SortKey[] {
  return [
    { expr: column, direction: 'asc' },
    { expr: id, direction: 'asc' },
  ];
}

function nameConditions(columns: SQLWrapper[], groups: string[][] | undefined): (SQL | undefined)[] {
  return (groups ?? []).map((group) =>
    or(...group.flatMap((prefix) => columns.map((column) => startsWithInsensitive(column, prefix)))),
  );
}

/**
 * `_lastUpdated` on a record without an update time: FHIR search matches only resources that have
 * the element, so any bound matches nothing.
 */
const noUpdateTime = (bounds: DateBound[] | undefined) => (bounds?.length ? NO_ROWS : undefined);

// --- Group (study) ---

function groupWhere(db: Db, principal: Principal, criteria: DirectoryCriteria): SQL | undefined {
  const practitioner = principal.kind === 'practitioner';
  return and(
    studiesVisibleTo(db, principal),
    criteria.ids && inIds(studies.id, criteria.ids),
    ...(criteria.lastUpdated ?? []).map((bound) => dateCondition(studies.lastUpdated, bound)),
    practitioner && criteria.studyId !== undefined ? eq(studies.id, criteria.studyId) : undefined,
    practitioner && criteria.organizationId !== undefined
      ? eq(studies.organizationId, criteria.organizationId)
      : undefined,
    practitioner && criteria.patientIds
      ? inArray(
          studies.id,
          db
            .select({ id: studyPatients.studyId })
            .from(studyPatients)
            .where(inIds(studyPatients.patientId, criteria.patientIds)),
        )
      : undefined,
  );
}

async function groupPage(db: Db, where: SQL | undefined, page: PageQuery): Promise<Page<GroupRecord>> {
  const { rows, total, nextAfter } = await keysetPage(db, {
    select: db
      .select({
        id: studies.id,
        name: studies.name,
        description: studies.description,
        lastUpdated: studies.lastUpdated,
      })
      .from(studies)
      .$dynamic(),
    table: studies,
    where,
    order: byName(studies.name, studies.id),
    keyOf: (row) => [row.name, row.id],
    page,
  });
  return { total, nextAfter, records: rows };
}

export async function searchGroups(
  db: Db,
  principal: Principal,
  criteria: DirectoryCriteria,
  page: PageQuery,
): Promise<Page<GroupRecord>> {
  await assertFiltersAllowed(db, principal, criteria);
  return groupPage(db, groupWhere(db, principal, criteria), page);
}

// --- Device (data source) ---

async function devicePage(db: Db, where: SQL | undefined, page: PageQuery): Promise<Page<DeviceRecord>> {
  const { rows, total, nextAfter } = await keysetPage(db, {
    select: db
      .select({ id: dataSources.id, name: dataSources.name, type: dataSources.type })
      .from(dataSources)
      .$dynamic(),
    table: dataSources,
    where,
    order: byName(dataSources.name, dataSources.id),
    keyOf: (row) => [row.name, row.id],
    page,
  });
  return { total, nextAfter, records: rows };
}

function deviceWhere(db: Db, principal: Principal, criteria: DirectoryCriteria): SQL | undefined {
  return and(
    dataSourcesVisibleTo(db, principal),
    criteria.ids && inIds(dataSources.id, criteria.ids),
    noUpdateTime(criteria.lastUpdated),
  );
}

export function searchDevices(
  db: Db,
  principal: Principal,
  criteria: DirectoryCriteria,
  page: PageQuery,
): Promise<Page<DeviceRecord>> {
  return devicePage(db, deviceWhere(db, principal, criteria), page);
}

// --- Organization ---

async function organizationPage(
  db: Db,
  where: SQL | undefined,
  page: PageQuery,
): Promise<Page<OrganizationRecord>> {
  const { rows, total, nextAfter } = await keysetPage(db, {
    select: db
      .select({
        id: organizations.id,
        name: organizations.name,
        type: organizations.type,
        partOf: organizations.partOf,
      })
      .from(organizations)
      .$dynamic(),
    table: organizations,
    where,
    order: byName(organizations.name, organizations.id),
    keyOf: (row) => [row.name, row.id],
    page,
  });
  return { total, nextAfter, records: rows };
}

function organizationWhere(db: Db, principal: Principal, criteria: DirectoryCriteria): SQL | undefined {
  return and(
    organizationsVisibleTo(db, principal),
    criteria.ids && inIds(organizations.id, criteria.ids),
    noUpdateTime(criteria.lastUpdated),
    ...nameConditions([organizations.name], criteria.names),
  );
}

export function searchOrganizations(
  db: Db,
  principal: Principal,
  criteria: DirectoryCriteria,
  page: PageQuery,
): Promise<Page<OrganizationRecord>> {
  return organizationPage(db, organizationWhere(db, principal, criteria), page);
}

// --- Practitioner ---

async function practitionerPage(
  db: Db,
  where: SQL | undefined,
  page: PageQuery,
): Promise<Page<PractitionerRecord>> {
  const { rows, total, nextAfter } = await keysetPage(db, {
    select: db
      .select({
        id: practitioners.id,
        lastUpdated: practitioners.lastUpdated,
        nameFamily: practitioners.nameFamily,
        nameGiven: practitioners.nameGiven,
        identifier: users.identifier,
      })
      .from(practitioners)
      .innerJoin(users, eq(users.id, practitioners.userId))
      .$dynamic(),
    table: practitioners,
    where,
    order: byName(sql`coalesce(${practitioners.nameFamily}, '')`, practitioners.id),
    keyOf: (row) => [row.nameFamily ?? '', row.id],
    page,
  });
  return { total, nextAfter, records: rows };
}

function practitionerWhere(db: Db, principal: Principal, criteria: DirectoryCriteria): SQL | undefined {
  return and(
    practitionersVisibleTo(db, principal),
    criteria.ids && inIds(practitioners.id, criteria.ids),
    ...(criteria.lastUpdated ?? []).map((bound) => dateCondition(practitioners.lastUpdated, bound)),
    ...nameConditions([practitioners.nameFamily, practitioners.nameGiven], criteria.names),
    ...(criteria.identifiers ?? []).map((group) =>
      inArray(
        practitioners.userId,
        db
          .select({ id: users.id })
          .from(users)
          .where(
            inArray(
              users.identifier,
              group.map((token) => token.code),
            ),
          ),
      ),
    ),
  );
}

export function searchPractitioners(
  db: Db,
  principal: Principal,
  criteria: DirectoryCriteria,
  page: PageQuery,
): Promise<Page<PractitionerRecord>> {
  return practitionerPage(db, practitionerWhere(db, principal, criteria), page);
}

// --- Reads (D.5: invisible = not found) ---

const ONE: PageQuery = { count: 1, withTotal: false };

function only<R>(type: DirectoryType, id: number, page: Page<R>): R {
  const [record] = page.records;
  if (!record) throw new AppError('not_found', `${type}/${id} not found.`);
  return record;
}

export async function readGroup(db: Db, principal: Principal, id: number): Promise<GroupRecord> {
  return only(
    'Group',
    id,
    await groupPage(db, and(studiesVisibleTo(db, principal), eq(studies.id, id)), ONE),
  );
}

export async function readDevice(db: Db, principal: Principal, id: number): Promise<DeviceRecord> {
  return only(
    'Device',
    id,
    await devicePage(db, and(dataSourcesVisibleTo(db, principal), eq(dataSources.id, id)), ONE),
  );
}

export async function readOrganization(
  db: Db,
  principal: Principal,
  id: number,
): Promise<OrganizationRecord> {
  return only(
    'Organization',
    id,
    await organizationPage(db, and(organizationsVisibleTo(db, principal), eq(organizations.id, id)), ONE),
  );
}

export async function readPractitioner(
  db: Db,
  principal: Principal,
  id: number,
): Promise<PractitionerRecord> {
  return only(
    'Practitioner',
    id,
    await practitionerPage(db, and(practitionersVisibleTo(db, principal), eq(practitioners.id, id)), ONE),
  );
}
