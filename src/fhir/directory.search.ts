/**
 * Search parameters of the D.8 resources -> typed criteria, parsing exactly the parameters the
 * RESOURCES table lists for the type (so the CapabilityStatement and the parser cannot disagree).
 * Pure: no SQL here.
 */
import type { DirectoryCriteria, DirectoryType } from '../domain/fhir-directory';
import { first, orGroups, parseDates, parseToken, type RawParams } from './params';
import { idList, requiredReference } from './reference-params';
import { JHE_SOURCE, resourceDef } from './resources';

/** Criteria of a search, or null when it can match nothing (`_source` other than JHE-native, D.4). */
export function directoryCriteria(type: DirectoryType, params: RawParams): DirectoryCriteria | null {
  const source = first(params, '_source');
  if (source !== undefined && source !== JHE_SOURCE) return null;
  const listed = new Set(resourceDef(type)?.searchParams.map((p) => p.name));
  const criteria: DirectoryCriteria = {};
  const ids = idList(params, '_id', type);
  if (ids && listed.has('_id')) criteria.ids = ids;
  if (listed.has('_lastUpdated')) criteria.lastUpdated = parseDates(params, '_lastUpdated');
  const names = orGroups(params, 'name');
  if (names.length && listed.has('name')) criteria.names = names;
  const identifiers = orGroups(params, 'identifier');
  if (identifiers.length && listed.has('identifier'))
    criteria.identifiers = identifiers.map((group) => group.map(parseToken));
  const patientIds = idList(params, 'patient', 'Patient');
  if (patientIds && listed.has('patient')) criteria.patientIds = patientIds;
  if (listed.has('patient.organization')) {
    const organization = requiredReference(params, 'Organization', 'patient.organization');
    if (organization !== undefined) criteria.organizationId = organization;
  }
  if (listed.has('patient._has:Group:member:_id')) {
    const study = requiredReference(
      params,
      'Group',
      'patient._has:Group:member:_id',
      '_has:Group:member:_id',
    );
    if (study !== undefined) criteria.studyId = study;
  }
  return criteria;
}

/** D.8 lists have one order (name, then id): the cursor signature. */
export const DIRECTORY_SORT = 'name';
