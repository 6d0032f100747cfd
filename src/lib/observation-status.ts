/** FHIR R5 ObservationStatus value set (http://hl7.org/fhir/R5/valueset-observation-status.html). */
export const OBSERVATION_STATUSES = [
  'registered',
  'specimen-in-process',
  'preliminary',
  'final',
  'amended',
  'corrected',
  'appended',
  'cancelled',
  'entered-in-error',
  'unknown',
  'cannot-be-obtained',
] as const;

export type ObservationStatus = (typeof OBSERVATION_STATUSES)[number];
