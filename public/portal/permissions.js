/**
 * ROLE_PERMISSIONS of API.md E.1: which buttons to show. The server enforces every rule; this only
 * keeps people from clicking what would answer 403.
 */
export const ROLE_PERMISSIONS = {
  super_user: [
    'organization.manage_for_practitioners',
    'organization.create_top_level',
    'patient.manage_for_organization',
    'study.manage_for_organization',
    'client.manage',
    'data_source.manage',
  ],
  manager: [
    'organization.manage_for_practitioners',
    'patient.manage_for_organization',
    'study.manage_for_organization',
  ],
  member: ['patient.manage_for_organization', 'study.manage_for_organization'],
  viewer: [],
};

/** Whether the signed-in user holds `permission` in an organization where their role is `role`. */
export function can(profile, role, permission) {
  if (profile?.isSuperuser && ROLE_PERMISSIONS.super_user.includes(permission)) return true;
  return Boolean(role && ROLE_PERMISSIONS[role]?.includes(permission));
}
