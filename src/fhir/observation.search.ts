/**
 * Observation search parameters (API.md D.3, D.4) -> typed criteria. Pure: no SQL here.
 */
import type { ObservationCriteria, ObservationSortKey } from '../domain/observation-search';
import { AppError } from '../lib/errors';
import { JHE_SOURCE } from './resources';
import {
  first,
  orGroups,
  parseDates,
  parseId,
  parseReference,
  parseSort,
  parseToken,
  type RawParams,
} from './params';

const SORT_ALIASES: Record<string, string> = { lastUpdated: '_lastUpdated' };

function studyId(params: RawParams): number | undefined {
  const value = first(params, 'patient._has:Group:member:_id', '_has:Group:member:_id');
  if (value === undefined) return undefined;
  const id = parseReference(value, 'Group');
  if (id === null)
    throw new AppError(
      'invalid',
      `Invalid search parameter patient._has:Group:member:_id: "${value}" is not a study id.`,
    );
  return id;
}

/**
 * Criteria of an Observation search, or null when it can match nothing (a `_source` other than
 * JHE-native records, D.4).
 */
export function observationCriteria(params: RawParams): ObservationCriteria | null {
  const source = first(params, '_source');
  if (source !== undefined && source !== JHE_SOURCE) return null;
  const criteria: ObservationCriteria = {
    sort: parseSort(params, ['date', '_lastUpdated'], SORT_ALIASES).map((s) => ({
      key: s.key as ObservationSortKey,
      descending: s.descending,
    })),
    dates: parseDates(params, 'date'),
    lastUpdated: parseDates(params, '_lastUpdated'),
  };
  const study = studyId(params);
  if (study !== undefined) criteria.studyId = study;
  const ids = params.get('_id');
  if (ids) criteria.ids = ids.flatMap((v) => v.split(',')).flatMap((v) => parseId(v) ?? []);
  const patientValues = params.get('patient');
  if (patientValues)
    criteria.patientIds = patientValues
      .flatMap((v) => v.split(','))
      .flatMap((v) => parseReference(v, 'Patient') ?? []);
  const identifiers = [...orGroups(params, 'patient.identifier'), ...orGroups(params, 'identifier')];
  if (identifiers.length) criteria.patientIdentifiers = identifiers.map((group) => group.map(parseToken));
  const organization = first(params, 'patient.organization');
  if (organization !== undefined) {
    const id = parseReference(organization, 'Organization');
    if (id === null)
      throw new AppError(
        'invalid',
        `Invalid search parameter patient.organization: "${organization}" is not an organization id.`,
      );
    criteria.organizationId = id;
  }
  const codes = orGroups(params, 'code');
  if (codes.length) criteria.codes = codes.map((group) => group.map(parseToken));
  const statuses = orGroups(params, 'status');
  if (statuses.length) criteria.statuses = statuses;
  return criteria;
}

/** A signature of the order, bound into cursors. */
export function sortSignature(criteria: ObservationCriteria): string {
  return criteria.sort.map((s) => `${s.descending ? '-' : ''}${s.key}`).join(',') || '-_lastUpdated';
}
