import type { ObservationRecord } from '../domain/observation-search';
import { base64FromUtf8 } from '../lib/encoding';
import { JHE_SOURCE } from './resources';

/** The identifier system carrying the patient's user id on `subject` (D.3 [U]). */
export const JHE_USER_ID_SYSTEM = 'https://jupyterhealth.org/fhir/identifier/jhe-user-id';

/** API.md D.3: the stored Observation as FHIR R5 JSON; the OMH JSON goes back base64-encoded. */
export function observationResource(record: ObservationRecord) {
  return {
    resourceType: 'Observation' as const,
    id: String(record.id),
    meta: { lastUpdated: record.lastUpdated, source: JHE_SOURCE },
    ...(record.identifiers.length > 0 && {
      identifier: record.identifiers.map(({ system, value }) => (system ? { system, value } : { value })),
    }),
    status: record.status,
    code: { coding: [{ system: record.codingSystem, code: record.codingCode, display: record.codingText }] },
    ...(record.effectiveStart !== null &&
      (record.effectiveEnd === null
        ? { effectiveDateTime: record.effectiveStart }
        : { effectivePeriod: { start: record.effectiveStart, end: record.effectiveEnd } })),
    subject: {
      reference: `Patient/${record.patientId}`,
      ...(record.patientUserId !== null && {
        identifier: { system: JHE_USER_ID_SYSTEM, value: String(record.patientUserId) },
      }),
    },
    ...(record.dataSourceId !== null && { device: { reference: `Device/${record.dataSourceId}` } }),
    valueAttachment: { contentType: 'application/json', data: base64FromUtf8(record.omhData) },
  };
}
