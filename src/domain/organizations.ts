/**
 * Organizations (API.md C.2): the public directory, the tree, practitioner memberships and the
 * org's studies. Authority comes from `consent/` (E.2, E.3): the parent for edits and sub-org
 * creation, the organization itself for membership changes.
 */
import { and, asc, count, eq } from 'drizzle-orm';
import { can, rolesInOrganizations } from '../consent';
import type { Db } from '../db/client';
import { lastInsertRowId } from '../db/expressions';
import {
  type OrganizationType,
  organizations,
  type PractitionerRole,
  practitionerOrganizations,
  practitioners,
  studies,
  users,
} from '../db/schema';
import { AppError } from '../lib/errors';
import type { Principal } from '../lib/principal';
import type { OrganizationRow } from './users';

export {
  ORGANIZATION_TYPES,
  PRACTITIONER_ROLES,
  type OrganizationType,
  type PractitionerRole,
} from '../db/schema';

/** The ROOT organization (A.10): always present, never edited or deleted. */
export const ROOT_ORGANIZATION_ID = 0;

/** `GET /organizations/types`, verbatim (C.2). */
export const ORGANIZATION_TYPE_LABELS: Readonly<Record<OrganizationType, string>> = {
  root: 'ROOT',
  prov: 'Healthcare Provider',
  dept: 'Hospital Department',
  team: 'Organizational team',
  govt: 'Government',
  ins: 'Insurance Company',
  pay: 'Payer',
  edu: 'Educational Institute',
  reli: 'Religious Institution',
  crs: 'Clinical Research Sponsor',
  cg: 'Community Group',
  bus: 'Non-Healthcare Business or Corporation',
  other: 'Other',
  laboratory: 'Laboratory',
  imaging: 'Imaging Center',
  pharmacy: 'Pharmacy',
  'health-information-network': 'Health Information Network',
  'health-data-aggregator': 'Health Data Aggregator',
};

/** The caller's role in an organization as C.2 `currentUserRole` shows it. */
export type CallerRole = PractitionerRole | 'super_user' | null;

export interface OrganizationView {
  organization: OrganizationRow;
  currentUserRole: CallerRole;
}

export interface OrganizationNode extends OrganizationView {
  children: OrganizationNode[];
}

export interface OrganizationMember {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  role: PractitionerRole;
}

export interface OrganizationStudy {
  id: number;
  name: string;
  description: string;
  organizationId: number;
  iconUrl: string | null;
}

export interface MembershipChange {
  created: boolean;
  id: number;
  role: PractitionerRole;
  organization: OrganizationView;
  practitioner: {
    id: number;
    userId: number;
    nameFamily: string | null;
    nameGiven: string | null;
    email: string;
  };
}

export interface OrganizationInput {
  name?: string;
  type?: OrganizationType;
  /** 0, null or absent = top level (A.10). */
  partOf?: number | null;
}

const FORBIDDEN = 'You do not have permission to perform this action.';
const forbidden = (message = FORBIDDEN) => new AppError('forbidden', message);
const orgNotFound = () => new AppError('not_found', 'No Organization matches the given query.');
const BY_NAME = [asc(organizations.name), asc(organizations.id)] as const;

/** `currentUserRole` (C.2): `super_user` for superusers, else the membership role, else null. */
export function callerRole(principal: Principal, role: PractitionerRole | null): CallerRole {
  return principal.kind === 'practitioner' && principal.isSuperuser ? 'super_user' : role;
}

/**
 * Organizations with the caller's membership role joined in: one query for any page, never a
 * lookup per row. Patients and bare clients join on -1, which matches no membership.
 */
function organizationsWithCallerRole(db: Db, principal: Principal) {
  const practitionerId = principal.kind === 'practitioner' ? principal.practitionerId : -1;
  return db
    .select({ organization: organizations, role: practitionerOrganizations.role })
    .from(organizations)
    .leftJoin(
      practitionerOrganizations,
      and(
        eq(practitionerOrganizations.organizationId, organizations.id),
        eq(practitionerOrganizations.practitionerId, practitionerId),
      ),
    );
}

const toView =
  (principal: Principal) =>
  (row: { organization: OrganizationRow; role: PractitionerRole | null }): OrganizationView => ({
    organization: row.organization,
    currentUserRole: callerRole(principal, row.role),
  });

function callerRoles(
  db: Db,
  principal: Principal,
  organizationIds: readonly number[],
): Promise<PractitionerRole[]> {
  return principal.kind === 'practitioner'
    ? rolesInOrganizations(db, principal.practitionerId, organizationIds)
    : Promise.resolve([]);
}

async function findOrganization(db: Db, id: number): Promise<OrganizationRow> {
  const org = await db.select().from(organizations).where(eq(organizations.id, id)).get();
  if (!org) throw orgNotFound();
  return org;
}

/** `GET /organizations`: every organization incl. ROOT, to any authenticated caller (C.2 [U]). */
export async function listOrganizations(
  db: Db,
  principal: Principal,
  query: { partOf?: number; limit: number; offset: number },
): Promise<{ count: number; rows: OrganizationView[] }> {
  const where = query.partOf === undefined ? undefined : eq(organizations.partOf, query.partOf);
  const [counted, rows] = await db.batch([
    db.select({ count: count() }).from(organizations).where(where),
    organizationsWithCallerRole(db, principal)
      .where(where)
      .orderBy(...BY_NAME)
      .limit(query.limit)
      .offset(query.offset),
  ]);
  return { count: counted[0]?.count ?? 0, rows: rows.map(toView(principal)) };
}

/** `GET /organizations/{id}`. */
export async function getOrganization(db: Db, principal: Principal, id: number): Promise<OrganizationView> {
  const row = await organizationsWithCallerRole(db, principal).where(eq(organizations.id, id)).get();
  if (!row) throw orgNotFound();
  return toView(principal)(row);
}

/**
 * `GET /organizations/{id}/tree`: the organization with its descendants, each level by name.
 * One query reads every organization (the directory is public and small); the tree is assembled
 * here, so the cost does not grow with depth. A cycle in the data cannot loop: each node is
 * visited once.
 */
export async function organizationTree(db: Db, principal: Principal, id: number): Promise<OrganizationNode> {
  const rows = (await organizationsWithCallerRole(db, principal).orderBy(...BY_NAME)).map(toView(principal));
  const childrenOf = new Map<number, OrganizationView[]>();
  let self: OrganizationView | undefined;
  for (const view of rows) {
    if (view.organization.id === id) self = view;
    const parent = view.organization.partOf;
    if (parent === null || parent === view.organization.id) continue;
    const siblings = childrenOf.get(parent) ?? [];
    siblings.push(view);
    childrenOf.set(parent, siblings);
  }
  if (!self) throw orgNotFound();
  const visited = new Set<number>();
  const build = (view: OrganizationView): OrganizationNode => {
    visited.add(view.organization.id);
    const children = (childrenOf.get(view.organization.id) ?? []).filter(
      (c) => !visited.has(c.organization.id),
    );
    return { ...view, children: children.map(build) };
  };
  return build(self);
}

/**
 * `POST /organizations` (C.2, E.2): top level needs a superuser; a sub-organization needs a
 * manager of `partOf` (or a superuser), and a missing parent is 403 like a forbidden one. The
 * creator of a sub-organization becomes its manager, written with the organization in one batch.
 */
export async function createOrganization(
  db: Db,
  principal: Principal,
  input: { name: string; type: OrganizationType; partOf?: number | null },
): Promise<OrganizationView> {
  const parentId = input.partOf ?? ROOT_ORGANIZATION_ID;
  const insert = db
    .insert(organizations)
    .values({ name: input.name, type: input.type, partOf: parentId })
    .returning();
  if (parentId === ROOT_ORGANIZATION_ID) {
    if (!can(principal, 'organization.create_top_level')) {
      throw forbidden("You don't have permission to create a top-level organization.");
    }
    const [created] = await insert;
    if (!created) throw new Error('organization insert returned no row');
    return { organization: created, currentUserRole: callerRole(principal, null) };
  }
  const [parent, roles] = await Promise.all([
    db.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, parentId)).get(),
    callerRoles(db, principal, [parentId]),
  ]);
  if (
    !parent ||
    !can(principal, 'organization.create_child', { roles }) ||
    principal.kind !== 'practitioner'
  ) {
    throw forbidden();
  }
  // One batch: the membership's organization is the row the insert before it made.
  const [[created]] = await db.batch([
    insert,
    db.insert(practitionerOrganizations).values({
      practitionerId: principal.practitionerId,
      organizationId: lastInsertRowId(),
      role: 'manager',
    }),
  ]);
  if (!created) throw new Error('organization insert returned no row');
  // C.2 [R]: the creator's role in the new organization (upstream answers null).
  return { organization: created, currentUserRole: 'manager' };
}

/** Edit/delete authority (E.2, E.3): the parent's managers, or the org's own when it is top level. */
async function assertMayEdit(db: Db, principal: Principal, org: OrganizationRow): Promise<void> {
  if (org.id === ROOT_ORGANIZATION_ID) throw forbidden();
  const authority = org.partOf === null || org.partOf === ROOT_ORGANIZATION_ID ? org.id : org.partOf;
  const roles = await callerRoles(db, principal, [authority]);
  if (!can(principal, 'organization.edit', { roles })) throw forbidden();
}

/**
 * Moving an organization needs creation rights at the new place (a new parent is where its
 * managers gain edit authority), and may not put it under itself or a descendant.
 */
async function assertMayMove(db: Db, principal: Principal, orgId: number, newParent: number): Promise<void> {
  if (newParent === ROOT_ORGANIZATION_ID) {
    if (!can(principal, 'organization.create_top_level')) throw forbidden();
    return;
  }
  const all = await db.select({ id: organizations.id, partOf: organizations.partOf }).from(organizations);
  const parentOf = new Map(all.map((o) => [o.id, o.partOf]));
  if (!parentOf.has(newParent)) {
    throw new AppError('invalid', 'Unknown parent organization.', {
      body: { partOf: [`Invalid pk "${newParent}" - object does not exist.`] },
    });
  }
  const seen = new Set<number>();
  for (let at: number | null | undefined = newParent; at != null && !seen.has(at); at = parentOf.get(at)) {
    if (at === orgId) {
      throw new AppError('invalid', 'An organization cannot be part of itself.', {
        body: { partOf: ['An organization cannot be part of itself or of one of its sub-organizations.'] },
      });
    }
    seen.add(at);
  }
  const roles = await callerRoles(db, principal, [newParent]);
  if (!can(principal, 'organization.create_child', { roles })) throw forbidden();
}

/** `PATCH/PUT /organizations/{id}` (C.2): ROOT is never editable. */
export async function updateOrganization(
  db: Db,
  principal: Principal,
  id: number,
  input: OrganizationInput,
): Promise<OrganizationView> {
  const org = await findOrganization(db, id);
  await assertMayEdit(db, principal, org);
  const partOf = input.partOf === undefined ? undefined : (input.partOf ?? ROOT_ORGANIZATION_ID);
  if (partOf !== undefined && partOf !== (org.partOf ?? ROOT_ORGANIZATION_ID)) {
    await assertMayMove(db, principal, org.id, partOf);
  }
  const changes = {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.type !== undefined && { type: input.type }),
    ...(partOf !== undefined && { partOf }),
  };
  if (Object.keys(changes).length > 0) {
    await db.update(organizations).set(changes).where(eq(organizations.id, id));
  }
  return getOrganization(db, principal, id);
}

/**
 * `DELETE /organizations/{id}` (C.2): the foreign keys cascade (ON DELETE CASCADE) to
 * sub-organizations, their studies (and enrolments, consents, links) and memberships.
 */
export async function deleteOrganization(db: Db, principal: Principal, id: number): Promise<void> {
  const org = await findOrganization(db, id);
  await assertMayEdit(db, principal, org);
  await db.delete(organizations).where(eq(organizations.id, id));
}

/** `GET /organizations/{id}/users`: practitioner members with their role, by last name. */
export async function organizationMembers(db: Db, id: number): Promise<OrganizationMember[]> {
  const [org, rows] = await db.batch([
    db.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, id)),
    db
      .select({
        id: users.id,
        email: users.email,
        firstName: users.firstName,
        lastName: users.lastName,
        role: practitionerOrganizations.role,
      })
      .from(practitionerOrganizations)
      .innerJoin(practitioners, eq(practitioners.id, practitionerOrganizations.practitionerId))
      .innerJoin(users, eq(users.id, practitioners.userId))
      .where(eq(practitionerOrganizations.organizationId, id))
      .orderBy(asc(users.lastName), asc(users.id)),
  ]);
  if (org.length === 0) throw orgNotFound();
  return rows;
}

/** Membership changes need a manager of this very organization, or a superuser (C.2, E.2). */
async function assertMayManageMembers(db: Db, principal: Principal, id: number): Promise<OrganizationView> {
  const [view, roles] = await Promise.all([
    getOrganization(db, principal, id),
    callerRoles(db, principal, [id]),
  ]);
  if (!can(principal, 'organization.manage_members', { roles })) throw forbidden();
  return view;
}

/** The practitioner behind a user id, with C.2's error bodies for a missing id/user/profile. */
async function practitionerOfUser(db: Db, jheUserId: number | undefined) {
  if (jheUserId === undefined) {
    throw new AppError('invalid', 'jhe_user_id is required', { body: { error: 'jhe_user_id is required' } });
  }
  const row = await db
    .select({
      userId: users.id,
      email: users.email,
      practitionerId: practitioners.id,
      nameFamily: practitioners.nameFamily,
      nameGiven: practitioners.nameGiven,
    })
    .from(users)
    .leftJoin(practitioners, eq(practitioners.userId, users.id))
    .where(eq(users.id, jheUserId))
    .get();
  if (!row) throw new AppError('not_found', 'Not found.');
  if (row.practitionerId === null) {
    throw new AppError('not_found', 'Practitioner not found', { body: { error: 'Practitioner not found' } });
  }
  return { ...row, practitionerId: row.practitionerId };
}

/**
 * `POST /organizations/{id}/user`: add a practitioner or change their role. Whether the link is
 * new is read in the same batch (one transaction) as the upsert, so 201 vs 200 is exact.
 */
export async function addOrganizationMember(
  db: Db,
  principal: Principal,
  id: number,
  input: { jheUserId: number | undefined; role: PractitionerRole },
): Promise<MembershipChange> {
  const view = await assertMayManageMembers(db, principal, id);
  const target = await practitionerOfUser(db, input.jheUserId);
  const [existing, [link]] = await db.batch([
    db
      .select({ id: practitionerOrganizations.id })
      .from(practitionerOrganizations)
      .where(
        and(
          eq(practitionerOrganizations.practitionerId, target.practitionerId),
          eq(practitionerOrganizations.organizationId, id),
        ),
      ),
    db
      .insert(practitionerOrganizations)
      .values({ practitionerId: target.practitionerId, organizationId: id, role: input.role })
      .onConflictDoUpdate({
        target: [practitionerOrganizations.practitionerId, practitionerOrganizations.organizationId],
        set: { role: input.role },
      })
      .returning({ id: practitionerOrganizations.id, role: practitionerOrganizations.role }),
  ]);
  if (!link) throw new Error('membership upsert returned no row');
  const ownRole = principal.kind === 'practitioner' && principal.practitionerId === target.practitionerId;
  return {
    created: existing.length === 0,
    id: link.id,
    role: link.role,
    organization: ownRole ? { ...view, currentUserRole: callerRole(principal, link.role) } : view,
    practitioner: {
      id: target.practitionerId,
      userId: target.userId,
      nameFamily: target.nameFamily,
      nameGiven: target.nameGiven,
      email: target.email,
    },
  };
}

/** `DELETE /organizations/{id}/remove_user`: no error when the practitioner was not a member. */
export async function removeOrganizationMember(
  db: Db,
  principal: Principal,
  id: number,
  jheUserId: number | undefined,
): Promise<void> {
  await assertMayManageMembers(db, principal, id);
  const target = await practitionerOfUser(db, jheUserId);
  await db
    .delete(practitionerOrganizations)
    .where(
      and(
        eq(practitionerOrganizations.practitionerId, target.practitionerId),
        eq(practitionerOrganizations.organizationId, id),
      ),
    );
}

/** `GET /organizations/{id}/studies`: members of the org or a superuser (C.2 [R]), by name. */
export async function organizationStudies(
  db: Db,
  principal: Principal,
  id: number,
): Promise<OrganizationStudy[]> {
  const [org, roles] = await Promise.all([
    db.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, id)).get(),
    callerRoles(db, principal, [id]),
  ]);
  if (!org) throw orgNotFound();
  if (!can(principal, 'organization.read_studies', { roles })) throw forbidden();
  return db
    .select({
      id: studies.id,
      name: studies.name,
      description: studies.description,
      organizationId: studies.organizationId,
      iconUrl: studies.iconUrl,
    })
    .from(studies)
    .where(eq(studies.organizationId, id))
    .orderBy(asc(studies.name), asc(studies.id));
}

/** `GET /users/organizations`: the caller's direct memberships with their role, by name. */
export async function memberOrganizations(db: Db, principal: Principal): Promise<OrganizationView[]> {
  if (principal.kind !== 'practitioner') return [];
  const rows = await db
    .select({ organization: organizations, role: practitionerOrganizations.role })
    .from(practitionerOrganizations)
    .innerJoin(organizations, eq(organizations.id, practitionerOrganizations.organizationId))
    .where(eq(practitionerOrganizations.practitionerId, principal.practitionerId))
    .orderBy(...BY_NAME);
  return rows.map(toView(principal));
}
