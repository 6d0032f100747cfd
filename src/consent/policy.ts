/**
 * Pure access decisions (API.md E.2, E.6): who may do what to one object, given the caller and
 * the roles it holds where the object lives. Callers load the roles (memberships.ts) and ask here;
 * no route decides by itself.
 */
import type { PractitionerRole } from '../db/schema';
import type { Principal } from '../lib/principal';

const WRITERS: readonly PractitionerRole[] = ['manager', 'member'];

/**
 * Create, edit or remove a patient, or invite them (either flow): a manager or member of one of
 * the patient's organizations, or a superuser (E.2; E.6 [R] — upstream lets anyone mint invitations).
 */
export function canManagePatient(
  principal: Principal,
  rolesInPatientOrgs: readonly PractitionerRole[],
): boolean {
  switch (principal.kind) {
    case 'practitioner':
      return principal.isSuperuser || rolesInPatientOrgs.some((role) => WRITERS.includes(role));
    case 'patient':
    case 'client':
      return false;
  }
}

/** Own practitioner API keys: any practitioner, never a patient (E.2). */
export function canOwnApiKeys(principal: Principal): boolean {
  switch (principal.kind) {
    case 'practitioner':
      return true;
    case 'patient':
    case 'client':
      return false;
  }
}
