/**
 * API.md D.8 shapes of the JHE-native convenience resources. Group.type and Device.name keep the
 * upstream shapes [U] (not strictly R5: clients do not rely on them); the rest is R5.
 */
import type {
  DeviceRecord,
  GroupRecord,
  OrganizationRecord,
  PractitionerRecord,
} from '../domain/fhir-directory';
import { JHE_SOURCE } from './resources';

/** The code system naming which JHE model backs a resource. */
export const JHE_MODEL_SYSTEM = 'https://jupyterhealth.org/fhir/CodeSystem/model';

const model = (code: string) => ({ coding: [{ system: JHE_MODEL_SYSTEM, code }] });

export function groupResource(record: GroupRecord) {
  return {
    resourceType: 'Group' as const,
    id: String(record.id),
    meta: { lastUpdated: record.lastUpdated, source: JHE_SOURCE },
    name: record.name,
    ...(record.description && { description: record.description }),
    type: model('study'),
    membership: 'enumerated' as const,
  };
}

export function deviceResource(record: DeviceRecord) {
  return {
    resourceType: 'Device' as const,
    id: String(record.id),
    meta: { source: JHE_SOURCE },
    name: record.name,
    type: [model('data-source')],
  };
}

export function organizationResource(record: OrganizationRecord) {
  return {
    resourceType: 'Organization' as const,
    id: String(record.id),
    meta: { source: JHE_SOURCE },
    name: record.name,
    type: [model('organization')],
    // ROOT (id 0) is not a FHIR resource: top-level organizations have no partOf.
    ...(record.partOf !== null &&
      record.partOf > 0 && { partOf: { reference: `Organization/${record.partOf}` } }),
  };
}

export function practitionerResource(record: PractitionerRecord) {
  const name = {
    ...(record.nameFamily && { family: record.nameFamily }),
    ...(record.nameGiven && { given: [record.nameGiven] }),
  };
  return {
    resourceType: 'Practitioner' as const,
    id: String(record.id),
    meta: { lastUpdated: record.lastUpdated, source: JHE_SOURCE },
    ...(record.identifier && { identifier: [{ value: record.identifier }] }),
    ...(Object.keys(name).length > 0 && { name: [name] }),
  };
}
