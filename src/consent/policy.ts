/**
 * Pure access decisions (API.md E.2, E.6): who may do what to one object, given the caller and the
 * roles it holds in the organization(s) the object lives in. Callers load the roles (memberships.ts)
 * and ask `can`; no route or service decides by itself.
 *
 * The superuser bypass applies to mutations and admin areas only; for reads a superuser is an
 * ordinary practitioner who sees the organizations they belong to (E.2 notes).
 */
import type { PractitionerRole } from '../db/schema';
import type { Principal } from '../lib/principal';

export type Action =
  /** Create a top-level organization (partOf 0). Roles: none needed. */
  | 'organization.create_top_level'
  /** Create a sub-organization. Roles: the caller's in the parent. */
  | 'organization.create_child'
  /** Edit or delete an organization. Roles: in the parent, or in the org itself when top-level. */
  | 'organization.edit'
  /** Add, remove or re-role practitioners. Roles: in this organization. */
  | 'organization.manage_members'
  /** Read an organization's studies. Roles: in this organization; superusers too (C.2 [R]). */
  | 'organization.read_studies'
  /** Create, edit, remove or invite a patient; manage enrolments. Roles: in the patient's (or target) organizations. */
  | 'patient.manage'
  /** Read a patient, their consents and observations lists. Roles: in the patient's organizations. */
  | 'patient.read'
  /** Create, edit or delete a study and its patients, scope requests, data sources, clients. Roles: in the study's organization. */
  | 'study.manage'
  /** Read a study and its links. Roles: in the study's organization. */
  | 'study.read'
  /** Write a patient's consents for a study. Roles: in the study's organization, which the patient must share. */
  | 'consent.write'
  /** Data sources, supported scopes, scopes, clients, practitioners, settings. */
  | 'admin'
  /** Own practitioner API keys. */
  | 'api_key.own'
  /** Read one user account (`GET /users/{id}`). Target: `userId`; self only (API.md C.1). */
  | 'user.read'
  /** Change a user's first/last name. Target: `userId`; self, or a superuser (C.1 [R]). */
  | 'user.edit_names'
  /** Look a user up by exact email (`GET /users/search_by_email`). Practitioners only (C.1). */
  | 'user.search';

export interface Target {
  /** The caller's roles in the organization(s) the action concerns (see each action). */
  roles?: readonly PractitionerRole[];
  /** The patient the object belongs to, for patient self-access. */
  patientId?: number;
  /** The user account the object is, for self-access to one's own account (C.1). */
  userId?: number;
}

/** Actions anyone may take on their own user account (C.1 [R]: GET self, PATCH own names). */
const SELF_USER_ACTIONS: readonly Action[] = ['user.read', 'user.edit_names'];

const onOwnAccount = (principal: { userId: number }, action: Action, target: Target) =>
  SELF_USER_ACTIONS.includes(action) && target.userId === principal.userId;

const WRITERS: readonly PractitionerRole[] = ['manager', 'member'];
const MANAGERS: readonly PractitionerRole[] = ['manager'];

const hasRole = (roles: readonly PractitionerRole[] | undefined, allowed: readonly PractitionerRole[]) =>
  (roles ?? []).some((role) => allowed.includes(role));

/** Whether `principal` may perform `action` on `target`. */
export function can(principal: Principal, action: Action, target: Target = {}): boolean {
  switch (principal.kind) {
    case 'client':
      return false;
    case 'patient':
      // Patients act only on their own record: read it, write their own consents.
      return (
        ((action === 'patient.read' || action === 'consent.write') &&
          target.patientId === principal.patientId) ||
        onOwnAccount(principal, action, target)
      );
    case 'practitioner':
      return (
        practitionerMay(principal.isSuperuser, action, target.roles) ||
        onOwnAccount(principal, action, target)
      );
  }
}

function practitionerMay(
  isSuperuser: boolean,
  action: Action,
  roles: readonly PractitionerRole[] | undefined,
): boolean {
  switch (action) {
    case 'organization.create_top_level':
    case 'admin':
      return isSuperuser;
    case 'organization.create_child':
    case 'organization.edit':
    case 'organization.manage_members':
      return isSuperuser || hasRole(roles, MANAGERS);
    case 'patient.manage':
    case 'study.manage':
    case 'consent.write':
      return isSuperuser || hasRole(roles, WRITERS);
    case 'patient.read':
    case 'study.read':
      // Reads come from membership only, superusers included (E.2 notes, E.4).
      return (roles ?? []).length > 0;
    case 'organization.read_studies':
      // C.2 [R] names this read explicitly: "members of the org or SU".
      return isSuperuser || (roles ?? []).length > 0;
    case 'api_key.own':
    case 'user.search':
      return true;
    case 'user.read':
      // Self only, superusers included (C.1); self-access is granted in `can`.
      return false;
    case 'user.edit_names':
      return isSuperuser;
  }
}
