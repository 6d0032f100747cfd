/** Access and consent decisions: the one module that decides who sees and does what. */
export {
  rolesForPatient,
  rolesInOrganizations,
  rolesInStudyOrganization,
  sharedOrganizationRoles,
} from './memberships';
export { can, type Action, type Target } from './policy';
export {
  consentedPairs,
  dataSourcesVisibleTo,
  memberOrganizationIds,
  observationsVisibleTo,
  organizationsVisibleTo,
  patientsVisibleTo,
  patientsWritableBy,
  practitionersVisibleTo,
  studiesVisibleTo,
  usersVisibleTo,
} from './visibility';
