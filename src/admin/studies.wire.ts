import type { PatientRecord } from '../domain/patient-records';
import type {
  DataSourceRow,
  ScopeRow,
  StudyClientRow,
  StudyDetail,
  StudyLink,
  StudyOrganization,
  StudyRow,
} from '../domain/studies';
import { codeableConceptWire, dataSourceSummaryWire } from './data-sources.wire';
import { patientWire } from './patients.wire';

/** The short organization nested in a study (C.5 GET shape, C.3.1). */
export function studyOrganizationWire(org: StudyOrganization) {
  return { id: org.id, name: org.name, type: org.type };
}

/** C.5 `Study`, GET shape: the organization nested. */
export function studyWire({ study, organization }: StudyDetail) {
  return {
    id: study.id,
    name: study.name,
    description: study.description,
    organization: studyOrganizationWire(organization),
    iconUrl: study.iconUrl,
  };
}

/** C.5 write responses and the `study` nested in link rows: the organization as its id [U]. */
export function studyRefWire(study: StudyRow) {
  return {
    id: study.id,
    name: study.name,
    description: study.description,
    organization: study.organizationId,
    iconUrl: study.iconUrl,
  };
}

/** `{id, study, scopeCode}` (C.5 scope_requests). */
export function scopeRequestWire(link: StudyLink<ScopeRow>) {
  return { id: link.id, study: studyRefWire(link.study), scopeCode: codeableConceptWire(link.target) };
}

/** `{id, study, dataSource}` (C.5 data_sources). */
export function studyDataSourceWire(link: StudyLink<DataSourceRow>) {
  return { id: link.id, study: studyRefWire(link.study), dataSource: dataSourceSummaryWire(link.target) };
}

/** `{id, study, client}` (C.5 clients): id, name and OAuth client id only — never a secret [R]. */
export function studyClientWire(link: StudyLink<StudyClientRow>) {
  const { id, name, clientId } = link.target;
  return { id: link.id, study: studyRefWire(link.study), client: { id, name, clientId } };
}

/** C.5 `POST /studies/{id}/patients` rows. */
export function studyPatientWire(study: StudyRow, enrolment: { id: number; patient: PatientRecord }) {
  return { id: enrolment.id, study: studyRefWire(study), patient: patientWire(enrolment.patient) };
}
