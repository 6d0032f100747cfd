import type {
  MembershipChange,
  OrganizationMember,
  OrganizationNode,
  OrganizationStudy,
  OrganizationView,
} from '../domain/organizations';
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

/** An organization with the caller's role (every C.2 read). */
export function organizationViewWire(view: OrganizationView): OrganizationWire {
  return organizationWire(view.organization, view.currentUserRole);
}

/** `GET /organizations/{id}/tree`: recursive `children`, each level ordered by name. */
export function organizationTreeWire(node: OrganizationNode): OrganizationWire {
  return organizationWire(node.organization, node.currentUserRole, node.children.map(organizationTreeWire));
}

/** `GET /organizations/{id}/users` rows. */
export function organizationMemberWire(member: OrganizationMember) {
  return {
    id: member.id,
    email: member.email,
    firstName: member.firstName,
    lastName: member.lastName,
    role: member.role,
  };
}

/** `GET /organizations/{id}/studies` rows: `organization` is the id (C.2). */
export function organizationStudyWire(study: OrganizationStudy) {
  return {
    id: study.id,
    name: study.name,
    description: study.description,
    organization: study.organizationId,
    iconUrl: study.iconUrl,
  };
}

/** `POST /organizations/{id}/user` response (C.2): the membership with both ends. */
export function membershipWire(change: MembershipChange) {
  return {
    id: change.id,
    organization: organizationViewWire(change.organization),
    practitioner: {
      id: change.practitioner.id,
      jheUserId: change.practitioner.userId,
      nameFamily: change.practitioner.nameFamily,
      nameGiven: change.practitioner.nameGiven,
      telecomEmail: change.practitioner.email,
    },
    role: change.role,
  };
}
