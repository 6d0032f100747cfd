import type { AdminObservationRecord } from '../domain/observations';

/** API.md C.7 row; `omhData` keeps the Open mHealth snake_case keys (A.3 exception). */
export function adminObservationWire(record: AdminObservationRecord) {
  return {
    id: record.id,
    subjectPatientId: record.patientId,
    patientNameFamily: record.patientNameFamily,
    patientNameGiven: record.patientNameGiven,
    jheUserId: record.patientUserId,
    codeableConceptId: record.scope.id,
    codingSystem: record.scope.codingSystem,
    codingCode: record.scope.codingCode,
    codingText: record.scope.text,
    lastUpdated: record.lastUpdated,
    omhData: record.omhData,
  };
}
