/** Access and consent decisions: the one module that decides who sees and does what. */
export { rolesForPatient, rolesInOrganizations } from './memberships';
export { can, type Action, type Target } from './policy';
export {
  memberOrganizationIds,
  observationsVisibleTo,
  patientsVisibleTo,
  patientsWritableBy,
  studiesVisibleTo,
} from './visibility';
