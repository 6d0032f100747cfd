import type { OrganizationRow } from '../domain/users';

export type OrganizationRole = 'manager' | 'member' | 'viewer' | 'super_user' | null;

export interface OrganizationWire {
  id: number;
  name: string;
  type: string;
  partOf: number | null;
  currentUserRole: OrganizationRole;
  children: OrganizationWire[];
}

/** API.md C.2 `Organization`. */
export function organizationWire(
  org: OrganizationRow,
  currentUserRole: OrganizationRole = null,
  children: OrganizationWire[] = [],
): OrganizationWire {
  return { id: org.id, name: org.name, type: org.type, partOf: org.partOf, currentUserRole, children };
}
