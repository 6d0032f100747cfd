/**
 * The demo data set of API.md section F, as plain data. Two profiles share ids one-to-one: the seed
 * documents' Berkeley/UCSF names (default) and upstream's invented names (`SEED_PROFILE=upstream`).
 * Every value is fixed so tests are deterministic (F.2 [R]).
 */
import type { DataSourceType, OrganizationType, PractitionerRole } from '../../db/schema';

export type SeedProfile = 'seed' | 'upstream';
export const SEED_PROFILES: readonly SeedProfile[] = ['seed', 'upstream'];

/** The demo password of every seeded user (F.1). */
export const DEMO_PASSWORD = 'Jhe1234!';

type Named<T> = Record<SeedProfile, T>;

export interface SeedUser {
  id: number;
  email: Named<string>;
  firstName: Named<string>;
  lastName: string;
  isSuperuser?: boolean;
  practitionerId?: number;
  patientId?: number;
}

export const USERS: readonly SeedUser[] = [
  {
    id: 10001,
    email: { seed: 'sam@example.com', upstream: 'admin@example.com' },
    firstName: { seed: 'Sam', upstream: 'Admin' },
    lastName: 'Superuser',
    isSuperuser: true,
    practitionerId: 80001,
  },
  {
    id: 10002,
    email: { seed: 'mary@example.com', upstream: 'manager_mary@example.com' },
    firstName: { seed: 'Mary', upstream: 'ManagerMary' },
    lastName: 'Lopez',
    practitionerId: 80002,
  },
  {
    id: 10003,
    email: { seed: 'megan@example.com', upstream: 'member_megan@example.com' },
    firstName: { seed: 'Megan', upstream: 'MemberMegan' },
    lastName: 'Chen',
    practitionerId: 80003,
  },
  {
    id: 10004,
    email: { seed: 'victor@example.com', upstream: 'viewer_victor@example.com' },
    firstName: { seed: 'Victor', upstream: 'ViewerVictor' },
    lastName: 'Ramos',
    practitionerId: 80004,
  },
  {
    id: 10005,
    email: { seed: 'tom@example.com', upstream: 'three_org_tom@example.com' },
    firstName: { seed: 'Tom', upstream: 'ThreeOrgTom' },
    lastName: 'Baker',
    practitionerId: 80005,
  },
  {
    id: 10006,
    email: { seed: 'peter@example.com', upstream: 'll_patient_peter@example.com' },
    firstName: { seed: 'Peter', upstream: 'LlPatientPeter' },
    lastName: 'ThePatient',
    patientId: 40001,
  },
  {
    id: 10007,
    email: { seed: 'pamela@example.com', upstream: 'll_patient_pamela@example.com' },
    firstName: { seed: 'Pamela', upstream: 'LlPatientPamela' },
    lastName: 'Nguyen',
    patientId: 40002,
  },
  {
    id: 10008,
    email: { seed: 'mark@example.com', upstream: 'manager_mark@example.com' },
    firstName: { seed: 'Mark', upstream: 'ManagerMark' },
    lastName: 'Wilson',
    practitionerId: 80006,
  },
  {
    id: 10009,
    email: { seed: 'percy@example.com', upstream: 'npl_patient_percy@example.com' },
    firstName: { seed: 'Percy', upstream: 'NplPatientPercy' },
    lastName: 'Okafor',
    patientId: 40003,
  },
  {
    id: 10010,
    email: { seed: 'paul@example.com', upstream: 'ccl_patient_paul@example.com' },
    firstName: { seed: 'Paul', upstream: 'CclPatientPaul' },
    lastName: 'Schmidt',
    patientId: 40004,
  },
  {
    id: 10011,
    email: { seed: 'pat@example.com', upstream: 'ccl_cardio_patient_pat@example.com' },
    firstName: { seed: 'Pat', upstream: 'CclCardioPatientPat' },
    lastName: 'Morgan',
    patientId: 40005,
  },
];

/** User `identifier` = `fhir-` + the id's last digit three times (F.2). */
export function userIdentifier(userId: number): string {
  return `fhir-${String(userId % 10).repeat(3)}`;
}

export interface SeedPatientDetails {
  birthDate: string;
  telecomPhone: string;
}

export const PATIENT_DETAILS: Readonly<Record<number, SeedPatientDetails>> = {
  40001: { birthDate: '1980-01-01', telecomPhone: '347-111-1111' },
  40002: { birthDate: '1985-02-02', telecomPhone: '347-222-2222' },
  40003: { birthDate: '1990-03-03', telecomPhone: '347-333-3333' },
  40004: { birthDate: '1988-04-04', telecomPhone: '347-444-4444' },
  40005: { birthDate: '1992-05-05', telecomPhone: '347-555-5555' },
};

export interface SeedOrganization {
  id: number;
  name: Named<string>;
  type: Named<OrganizationType>;
  partOf: number;
}

export const ORGANIZATIONS: readonly SeedOrganization[] = [
  {
    id: 20001,
    name: { seed: 'University of California Berkeley', upstream: 'Planetary Research Institute' },
    type: { seed: 'edu', upstream: 'edu' },
    partOf: 0,
  },
  {
    id: 20002,
    name: {
      seed: 'College of Computing, Data Science and Society',
      upstream: 'Saturn School of Data Science',
    },
    type: { seed: 'edu', upstream: 'team' },
    partOf: 20001,
  },
  {
    id: 20003,
    name: { seed: 'Berkeley Institute for Data Science (BIDS)', upstream: 'Lifespan Lab' },
    type: { seed: 'edu', upstream: 'laboratory' },
    partOf: 20002,
  },
  {
    id: 20004,
    name: { seed: 'University of California San Francisco', upstream: 'Neptune Health System' },
    type: { seed: 'edu', upstream: 'prov' },
    partOf: 0,
  },
  {
    id: 20005,
    name: { seed: 'Department of Medicine', upstream: 'Department of Medicine' },
    type: { seed: 'edu', upstream: 'dept' },
    partOf: 20004,
  },
  {
    id: 20006,
    name: { seed: 'Cardiology', upstream: 'Cardiology Division' },
    type: { seed: 'edu', upstream: 'dept' },
    partOf: 20005,
  },
  {
    id: 20007,
    name: { seed: 'Moslehi Lab', upstream: 'Neptunian Pulse Lab' },
    type: { seed: 'laboratory', upstream: 'laboratory' },
    partOf: 20006,
  },
  {
    id: 20008,
    name: { seed: 'Olgin Lab', upstream: 'Cosmic Cardio Lab' },
    type: { seed: 'laboratory', upstream: 'laboratory' },
    partOf: 20006,
  },
];

/** F.4: [practitioner id, organization id, role]. The superuser has no membership. */
export const MEMBERSHIPS: readonly (readonly [number, number, PractitionerRole])[] = [
  [80002, 20001, 'manager'],
  [80002, 20002, 'manager'],
  [80002, 20003, 'manager'],
  [80003, 20003, 'member'],
  [80004, 20003, 'viewer'],
  [80005, 20003, 'viewer'],
  [80005, 20007, 'member'],
  [80005, 20008, 'manager'],
  [80006, 20004, 'manager'],
  [80006, 20005, 'manager'],
  [80006, 20006, 'manager'],
  [80006, 20007, 'manager'],
];

/** F.4 sticky UI settings, stored snake_case as upstream does (camelCased on the wire). */
export const PRACTITIONER_SETTINGS: Readonly<
  Record<number, { current_organization_id: number; current_study_id: number }>
> = {
  80002: { current_organization_id: 20003, current_study_id: 30001 },
  80003: { current_organization_id: 20003, current_study_id: 30001 },
  80004: { current_organization_id: 20003, current_study_id: 30001 },
  80005: { current_organization_id: 20008, current_study_id: 30005 },
  80006: { current_organization_id: 20007, current_study_id: 30004 },
};

export const OMH = 'https://w3id.org/openmhealth';
export const IEEE = 'https://w3id.org/ieee1752';

/** F.7 scopes: [id, system, code, text]. */
export const SCOPES: readonly (readonly [number, string, string, string])[] = [
  [50001, OMH, 'omh:blood-glucose:4.0', 'Blood glucose'],
  [50002, OMH, 'omh:blood-pressure:4.0', 'Blood pressure'],
  [50003, OMH, 'omh:body-temperature:4.0', 'Body temperature'],
  [50004, OMH, 'omh:heart-rate:2.0', 'Heart Rate'],
  [50005, OMH, 'omh:oxygen-saturation:2.0', 'Oxygen saturation'],
  [50006, OMH, 'omh:respiratory-rate:2.0', 'Respiratory rate'],
  [50007, OMH, 'omh:rr-interval:1.0', 'RR Interval'],
  [50008, OMH, 'omh:body-weight:3.0', 'Body weight'],
  [50009, OMH, 'omh:forced-vital-capacity:1.0', 'Forced vital capacity'],
  [50010, OMH, 'omh:forced-expiratory-volume-1-second:1.0', 'Forced expiratory volume 1 second'],
  [50011, 'http://hl7.org/fhir/resource-types', 'QuestionnaireResponse', 'FHIR QuestionnaireResponse'],
  [50012, OMH, 'omh:physical-activity:1.2', 'Physical activity'],
  [50013, OMH, 'omh:step-count:3.0', 'Step count'],
  [50014, IEEE, 'ieee:sleep-stage-summary:1.0', 'Sleep stage summary'],
  [50015, OMH, 'omh:sleep-episode:1.1', 'Sleep episode'],
  [50016, OMH, 'omh:sleep-duration:2.0', 'Sleep duration'],
];

export const BG = 50001;
export const BP = 50002;
export const BT = 50003;
export const HR = 50004;
export const O2 = 50005;
export const RR = 50006;
export const QR = 50011;

export interface SeedDataSource {
  id: number;
  name: string;
  type: DataSourceType;
  scopes: readonly number[];
}

/** F.8. */
export const DATA_SOURCES: readonly SeedDataSource[] = [
  { id: 70001, name: 'CareX', type: 'personal_device', scopes: [BP, HR] },
  { id: 70002, name: 'Dexcom', type: 'personal_device', scopes: [BG] },
  { id: 70003, name: 'iHealth', type: 'personal_device', scopes: [BT, HR] },
  { id: 70004, name: 'Oura', type: 'personal_device', scopes: [HR] },
  { id: 70005, name: 'Questionnaire', type: 'patient_app', scopes: [QR] },
  { id: 70006, name: 'Patient Access API', type: 'medical_device', scopes: [] },
];

/** Seeded OAuth applications (F.9), by primary key. */
export const CLIENT_CAREX = 1;
export const CLIENT_COMMONHEALTH = 2;
export const CLIENT_PATIENT_ACCESS = 3;
export const CLIENT_ADMIN_UI = 4;

export interface SeedClient {
  id: number;
  key: 'carex' | 'commonhealth' | 'patient_access' | 'admin_ui';
  name: string;
  invitationUrl: string | null;
  dataSources: readonly number[];
}

export const CLIENTS: readonly SeedClient[] = [
  {
    id: CLIENT_CAREX,
    key: 'carex',
    name: 'CareX',
    invitationUrl: 'https://carex.ai/invitation/CODE',
    dataSources: [70001, 70005],
  },
  {
    id: CLIENT_COMMONHEALTH,
    key: 'commonhealth',
    name: 'CommonHealth',
    invitationUrl: 'https://commonhealth.tcp.org?invitation=CODE',
    dataSources: [70002, 70003],
  },
  {
    id: CLIENT_PATIENT_ACCESS,
    key: 'patient_access',
    name: 'Patient Access',
    invitationUrl: 'http://localhost:8001/clients/patient-access/?code=CODE',
    dataSources: [],
  },
  { id: CLIENT_ADMIN_UI, key: 'admin_ui', name: 'JHE Admin UI', invitationUrl: null, dataSources: [] },
];

export const SOF_CLIENT_NAME = 'SoF EHR Launch';
export const SOF_DEFAULT_CLIENT_ID = 'sof-ehr-launch';
export const SOF_DEFAULT_CLIENT_SECRET = 'sof-ehr-launch-dev-secret';

export interface SeedStudy {
  id: number;
  name: Named<string>;
  description: Named<string>;
  organizationId: number;
  scopes: Named<readonly number[]>;
  dataSources: Named<readonly number[]>;
  clients: readonly number[];
}

/** F.5. In the seed profile study 30003 requests respiratory rate and has no data source. */
export const STUDIES: readonly SeedStudy[] = [
  {
    id: 30001,
    name: { seed: 'BIDS Study on BP & HR', upstream: 'Lifespan Study on BP & HR' },
    description: { seed: 'Blood Pressure & Heart Rate', upstream: 'Blood Pressure & Heart Rate' },
    organizationId: 20003,
    scopes: { seed: [BP, HR], upstream: [BP, HR, QR] },
    dataSources: { seed: [70001, 70005], upstream: [70001, 70005] },
    clients: [CLIENT_CAREX, CLIENT_PATIENT_ACCESS],
  },
  {
    id: 30002,
    name: { seed: 'BIDS Study on BP', upstream: 'Lifespan Study on BP' },
    description: { seed: 'Blood Pressure', upstream: 'Blood Pressure' },
    organizationId: 20003,
    scopes: { seed: [BP], upstream: [BP, QR] },
    dataSources: { seed: [70001, 70005], upstream: [70001, 70005] },
    clients: [CLIENT_CAREX],
  },
  {
    id: 30003,
    name: { seed: 'Cardio Study on RR', upstream: 'Cardiology Div Study on BGL' },
    description: { seed: 'Respiratory rate', upstream: 'Blood Glucose' },
    organizationId: 20006,
    scopes: { seed: [RR], upstream: [BG] },
    dataSources: { seed: [], upstream: [70002] },
    clients: [CLIENT_COMMONHEALTH],
  },
  {
    id: 30004,
    name: { seed: 'Moslehi Study on BT', upstream: 'Nep Pulse Lab Study on BT' },
    description: { seed: 'Body Temperature', upstream: 'Body Temperature' },
    organizationId: 20007,
    scopes: { seed: [BT], upstream: [BT] },
    dataSources: { seed: [70003], upstream: [70003] },
    clients: [CLIENT_COMMONHEALTH],
  },
  {
    id: 30005,
    name: { seed: 'Olgin Study on O2', upstream: 'Cosmic Cardio Lab Study on O2' },
    description: { seed: 'Oxygen Saturation', upstream: 'Oxygen Saturation' },
    organizationId: 20008,
    scopes: { seed: [O2], upstream: [O2] },
    dataSources: { seed: [], upstream: [] },
    clients: [],
  },
];

export interface SeedPatient {
  id: number;
  organizations: readonly number[];
  /** study id -> consented scopes (all `consented = true`). */
  enrolments: Readonly<Record<number, Named<readonly number[]>>>;
}

/** F.6. Peter has no consent row for 30002, so BP is pending there. */
export const PATIENTS: readonly SeedPatient[] = [
  {
    id: 40001,
    organizations: [20003],
    enrolments: { 30001: { seed: [BP, HR], upstream: [BP, HR, QR] }, 30002: { seed: [], upstream: [] } },
  },
  {
    id: 40002,
    organizations: [20003],
    enrolments: {
      30001: { seed: [BP, HR], upstream: [BP, HR, QR] },
      30002: { seed: [BP], upstream: [BP, QR] },
    },
  },
  { id: 40003, organizations: [20007], enrolments: { 30004: { seed: [BT], upstream: [BT] } } },
  { id: 40004, organizations: [20008], enrolments: { 30005: { seed: [O2], upstream: [O2] } } },
  {
    id: 40005,
    organizations: [20006, 20008],
    enrolments: { 30003: { seed: [RR], upstream: [BG] }, 30005: { seed: [O2], upstream: [O2] } },
  },
];

export const PATIENT_IDENTIFIERS: readonly (readonly [number, string, string])[] = [
  [40001, 'https://openwearables.io/ns/patient-id', 'abc123'],
  [40001, 'urn:oid:1.2.3.4', 'E1234'],
];

/** When the seeded consents were given (fixed for determinism). */
export const CONSENTED_TIME = '2025-03-12T16:48:56.342Z';

/** F.11: [observation id, patient id, scope id by profile]. */
export const OBSERVATIONS: readonly (readonly [number, number, Named<number>])[] = [
  [60001, 40001, { seed: BP, upstream: BP }],
  [60002, 40001, { seed: HR, upstream: HR }],
  [60003, 40002, { seed: BP, upstream: BP }],
  [60004, 40002, { seed: HR, upstream: HR }],
  [60005, 40002, { seed: BP, upstream: BP }],
  [60006, 40003, { seed: BT, upstream: BT }],
  [60007, 40004, { seed: O2, upstream: O2 }],
  [60008, 40005, { seed: RR, upstream: BG }],
  [60009, 40005, { seed: O2, upstream: O2 }],
];

/** F.10 settings other than `site.url` (which comes from SITE_URL): [key, type, value text]. */
export const SETTINGS: readonly (readonly [string, 'string' | 'int' | 'bool' | 'json', string])[] = [
  ['site.ui.title', 'string', 'JupyterHealth Exchange'],
  ['site.time_zone', 'string', 'America/Los_Angeles'],
  ['site.registration_invite_code', 'string', 'jhe'],
  ['auth.default_orgs', 'string', ''],
  ['auth.sso.saml2', 'int', '0'],
  ['auth.sso.valid_domains', 'string', ''],
  ['auth.patient.invitation_expiration_days', 'int', '7'],
  ['auth.patient.invitation_redemption_window_hours', 'int', '12'],
  ['auth.patient_access_clients', 'json', '[]'],
  ['auth.sof.trusted_issuers', 'json', '["https://fhir.epic.com/interconnect-fhir-oauth/oauth2"]'],
  ['auth.sof.trusted_audience', 'string', '77849e74-8e2a-4c2f-826c-bdbef6da3357'],
  ['module.ow', 'bool', 'false'],
  ['ow.sync_in_progress', 'string', ''],
  ['ow.api_url', 'string', 'http://localhost:8001'],
  ['ow.api_key', 'string', ''],
];
