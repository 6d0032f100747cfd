import type { ConsentStudy, PatientConsents, WrittenConsent } from '../domain/consents';
import { patientWire } from './patients.wire';
import { codeableConceptWire, dataSourceSummaryWire } from './data-sources.wire';
import { studyOrganizationWire } from './studies.wire';

function consentStudyBase({ study, organization, dataSources }: ConsentStudy) {
  return {
    id: study.id,
    name: study.name,
    description: study.description,
    organization: studyOrganizationWire(organization),
    dataSources: dataSources.map(({ source, supportedScopes }) => ({
      ...dataSourceSummaryWire(source),
      supportedScopes: supportedScopes.map(codeableConceptWire),
    })),
  };
}

/**
 * C.3.1 `GET /patients/{id}/consents`. Each scope request is pending (no row yet) or answered (a
 * row, true or false); a study is listed under each kind it has, so it may appear in both lists.
 */
export function patientConsentsWire(consents: PatientConsents) {
  const studiesPendingConsent = consents.studies.flatMap((study) => {
    const pending = study.scopes.filter((s) => s.consent === null);
    return pending.length
      ? [
          {
            ...consentStudyBase(study),
            pendingScopeConsents: pending.map((s) => ({
              code: codeableConceptWire(s.scope),
              consented: null,
              consentedTime: null,
            })),
          },
        ]
      : [];
  });
  const studies = consents.studies.flatMap((study) => {
    const answered = study.scopes.flatMap((s) => (s.consent ? [{ scope: s.scope, ...s.consent }] : []));
    return answered.length
      ? [
          {
            ...consentStudyBase(study),
            scopeConsents: answered.map((s) => ({
              code: codeableConceptWire(s.scope),
              consented: s.consented,
              consentedTime: s.consentedTime,
            })),
          },
        ]
      : [];
  });
  return {
    patient: patientWire(consents.patient),
    consolidatedConsentedScopes: consents.consolidatedConsentedScopes.map(codeableConceptWire),
    studiesPendingConsent,
    studies,
  };
}

/** C.3.1 POST/PATCH response. */
export function writtenConsentsWire(rows: readonly WrittenConsent[]) {
  return {
    studyScopeConsents: rows.map((row) => ({
      id: row.id,
      studyPatient: {
        id: row.studyPatient.id,
        study: row.studyPatient.studyId,
        patient: row.studyPatient.patientId,
      },
      scopeCode: codeableConceptWire(row.scope),
      consented: row.consented,
      consentedTime: row.consentedTime,
    })),
  };
}
