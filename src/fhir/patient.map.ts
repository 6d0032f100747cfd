import type { FhirPatientRecord } from '../domain/fhir-patients';
import { JHE_SOURCE } from './resources';

/** API.md D.2: the Patient resource; empty values are omitted (no phone entry without a phone). */
export function patientResource(record: FhirPatientRecord) {
  const name = {
    ...(record.nameFamily && { family: record.nameFamily }),
    ...(record.nameGiven && { given: [record.nameGiven] }),
  };
  const telecom = [
    ...(record.phone ? [{ system: 'phone', value: record.phone, use: 'mobile' }] : []),
    ...(record.email ? [{ system: 'email', value: record.email, use: 'home' }] : []),
  ];
  return {
    resourceType: 'Patient' as const,
    id: String(record.id),
    meta: { lastUpdated: record.lastUpdated, source: JHE_SOURCE },
    ...(record.identifiers.length > 0 && {
      identifier: record.identifiers.map(({ system, value }) => (system ? { system, value } : { value })),
    }),
    ...(Object.keys(name).length > 0 && { name: [name] }),
    ...(record.birthDate && { birthDate: record.birthDate }),
    ...(telecom.length > 0 && { telecom }),
  };
}
