/** Access and consent decisions: the one module that decides who sees and does what. */
export { rolesForPatient } from './memberships';
export { canManagePatient, canOwnApiKeys } from './policy';
