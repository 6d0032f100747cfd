/**
 * The FHIR resources this server serves, their interactions and search parameters: the one table
 * the router dispatches from and the CapabilityStatement is generated from, so the statement can
 * never advertise what does not work (and every search parameter listed here is parsed).
 */

export type ResourceType = 'Observation' | 'Patient' | 'Group' | 'Device' | 'Organization' | 'Practitioner';
export type Interaction = 'read' | 'search-type' | 'create';

export interface SearchParamDef {
  name: string;
  type: 'token' | 'reference' | 'date' | 'string' | 'uri' | 'special';
  documentation: string;
}

export interface ResourceDef {
  type: ResourceType;
  interactions: readonly Interaction[];
  searchParams: readonly SearchParamDef[];
  /** `_sort` keys (besides the id tie-breaker). */
  sorts: readonly string[];
  documentation: string;
}

const COMMON: readonly SearchParamDef[] = [
  { name: '_id', type: 'token', documentation: 'Logical id; a malformed id matches nothing.' },
  { name: '_lastUpdated', type: 'date', documentation: 'meta.lastUpdated with ge/gt/le/lt; repeat to AND.' },
  { name: '_source', type: 'uri', documentation: 'Only https://jupyterhealth.org/jhe (JHE-native records).' },
];

/**
 * COMMON for records without an update time (data sources, organizations): FHIR search matches only
 * resources that have the element, so a `_lastUpdated` bound matches nothing.
 */
const COMMON_UNTIMED: readonly SearchParamDef[] = COMMON.map((param) =>
  param.name === '_lastUpdated'
    ? {
        ...param,
        documentation: 'These records carry no update time: any _lastUpdated bound matches nothing.',
      }
    : param,
);

const STUDY = (name: string): SearchParamDef => ({
  name,
  type: 'special',
  documentation: 'Study (Group) id: members of the study only.',
});

export const RESOURCES: readonly ResourceDef[] = [
  {
    type: 'Observation',
    interactions: ['read', 'search-type', 'create'],
    documentation:
      'Open mHealth data points in valueAttachment (base64 JSON). A data point may be uploaded as {header, body} or as a bare body. ' +
      'Practitioners read an observation only through a study of their organization that requests its scope and that the patient consented to.',
    searchParams: [
      ...COMMON,
      STUDY('patient._has:Group:member:_id'),
      { name: 'patient', type: 'reference', documentation: 'Patient id.' },
      {
        name: 'patient.identifier',
        type: 'token',
        documentation: 'Patient identifier system|value (alias identifier).',
      },
      { name: 'identifier', type: 'token', documentation: 'Patient identifier system|value.' },
      {
        name: 'patient.organization',
        type: 'reference',
        documentation: "Organization id (one of the caller's).",
      },
      { name: 'code', type: 'token', documentation: 'system|code or code.' },
      {
        name: 'date',
        type: 'date',
        documentation: 'Effective time (start of a period) with ge/gt/le/lt; repeat to AND.',
      },
      { name: 'status', type: 'token', documentation: 'Observation status.' },
    ],
    sorts: ['date', '_lastUpdated'],
  },
  {
    type: 'Patient',
    interactions: ['read', 'search-type'],
    documentation:
      'Patients sharing an organization with the practitioner; a patient sees themself (their filters are ignored). ' +
      'A study, organization or patient filter the practitioner may not access is 403. Default order: family name, then id.',
    searchParams: [
      ...COMMON,
      STUDY('_has:Group:member:_id'),
      STUDY('patient._has:Group:member:_id'),
      { name: 'identifier', type: 'token', documentation: 'system|value or value.' },
      { name: 'patient.identifier', type: 'token', documentation: 'Alias of identifier.' },
      { name: 'patient', type: 'reference', documentation: 'Patient id.' },
      { name: 'patient.organization', type: 'reference', documentation: 'Organization id.' },
      { name: 'family', type: 'string', documentation: 'Starts with, case-insensitive.' },
      { name: 'given', type: 'string', documentation: 'Starts with, case-insensitive.' },
      { name: 'name', type: 'string', documentation: 'Family or given starts with.' },
      { name: 'birthdate', type: 'date', documentation: 'Birth date with ge/gt/le/lt.' },
    ],
    sorts: ['_lastUpdated'],
  },
  {
    type: 'Group',
    interactions: ['read', 'search-type'],
    documentation:
      "Studies of the caller's organizations; a patient sees their studies (and their patient, organization and study filters are ignored).",
    searchParams: [
      ...COMMON,
      { name: 'patient', type: 'reference', documentation: 'Studies enrolling this patient.' },
      { name: 'patient.organization', type: 'reference', documentation: 'Studies of this organization.' },
      STUDY('patient._has:Group:member:_id'),
    ],
    sorts: [],
  },
  {
    type: 'Device',
    interactions: ['read', 'search-type'],
    documentation: "Data sources of the caller's studies (a patient: of the studies they are enrolled in).",
    searchParams: COMMON_UNTIMED,
    sorts: [],
  },
  {
    type: 'Organization',
    interactions: ['read', 'search-type'],
    documentation: "The caller's organizations (direct memberships; a patient: their organizations).",
    searchParams: [
      ...COMMON_UNTIMED,
      { name: 'name', type: 'string', documentation: 'Starts with, case-insensitive.' },
    ],
    sorts: [],
  },
  {
    type: 'Practitioner',
    interactions: ['read', 'search-type'],
    documentation:
      'Practitioners sharing an organization with the caller (a patient: the practitioners of their organizations).',
    searchParams: [
      ...COMMON,
      {
        name: 'identifier',
        type: 'token',
        documentation: 'User identifier value (it has no system: a system part is ignored).',
      },
      { name: 'name', type: 'string', documentation: 'Family or given starts with.' },
    ],
    sorts: [],
  },
];

export function resourceDef(type: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.type === type);
}

/** `meta.source` of JHE-native resources (D.4). */
export const JHE_SOURCE = 'https://jupyterhealth.org/jhe';
