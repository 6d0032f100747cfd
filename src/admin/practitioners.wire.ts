import type { PractitionerRecord } from '../domain/practitioners';
import { organizationViewWire } from './organizations.wire';

/** API.md C.4 `Practitioner`; `telecomEmail` is the user's login email. */
export function practitionerWire(record: PractitionerRecord) {
  return {
    id: record.id,
    jheUserId: record.userId,
    nameFamily: record.nameFamily,
    nameGiven: record.nameGiven,
    telecomEmail: record.email,
    organizations: record.organizations.map(organizationViewWire),
  };
}
