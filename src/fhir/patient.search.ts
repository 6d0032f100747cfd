/**
 * Patient search parameters (API.md D.2, D.4) -> typed criteria. Pure: no SQL here.
 */
import type { PatientCriteria } from '../domain/fhir-patients';
import { JHE_SOURCE } from './resources';
import { first, orGroups, parseDates, parseSort, parseToken, type RawParams } from './params';
import { idList, requiredReference } from './reference-params';

const SORT_ALIASES: Record<string, string> = { lastUpdated: '_lastUpdated' };

/**
 * Criteria of a Patient search, or null when it can match nothing (a `_source` other than
 * JHE-native records, D.4).
 */
export function patientCriteria(params: RawParams): PatientCriteria | null {
  const source = first(params, '_source');
  if (source !== undefined && source !== JHE_SOURCE) return null;
  const criteria: PatientCriteria = {
    sort: parseSort(params, ['_lastUpdated'], SORT_ALIASES).map((s) => ({
      key: '_lastUpdated' as const,
      descending: s.descending,
    })),
    birthdate: parseDates(params, 'birthdate'),
    lastUpdated: parseDates(params, '_lastUpdated'),
  };
  const ids = idList(params, '_id', 'Patient');
  if (ids) criteria.ids = ids;
  const patientIds = idList(params, 'patient', 'Patient');
  if (patientIds) criteria.patientIds = patientIds;
  const study = requiredReference(params, 'Group', '_has:Group:member:_id', 'patient._has:Group:member:_id');
  if (study !== undefined) criteria.studyId = study;
  const organization = requiredReference(params, 'Organization', 'patient.organization');
  if (organization !== undefined) criteria.organizationId = organization;
  const identifiers = [...orGroups(params, 'identifier'), ...orGroups(params, 'patient.identifier')];
  if (identifiers.length) criteria.identifiers = identifiers.map((group) => group.map(parseToken));
  for (const name of ['family', 'given', 'name'] as const) {
    const groups = orGroups(params, name);
    if (groups.length) criteria[name] = groups;
  }
  return criteria;
}

/** A signature of the order, bound into cursors. */
export function patientSortSignature(criteria: PatientCriteria): string {
  const [first] = criteria.sort;
  return first ? `${first.descending ? '-' : ''}_lastUpdated` : 'family';
}
