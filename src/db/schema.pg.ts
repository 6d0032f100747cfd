/**
 * The Postgres (Hyperdrive) mirror of `schema.ts`: the same tables, columns, indexes and
 * constraints with Postgres types, for the move off D1 (STYLE.md: only db/ knows the dialect).
 * Not used by the Worker yet; `test/db/schema-mirror.test.ts` keeps the names in step.
 */
import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import {
  AUDIT_OUTCOMES,
  AUTHORIZATION_CODE_KINDS,
  DATA_SOURCE_TYPES,
  INVITATION_STATUSES,
  OAUTH_CLIENT_TYPES,
  OAUTH_GRANT_TYPES,
  OBSERVATION_STATUSES,
  ORGANIZATION_TYPES,
  PRACTITIONER_ROLES,
  SETTING_VALUE_TYPES,
} from './schema';

const id = () => integer('id').primaryKey().generatedByDefaultAsIdentity();
const now = () => sql`(to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;
const bool = (name: string) => boolean(name);

export const users = pgTable('users', {
  id: id(),
  email: text('email').notNull().unique(),
  passwordHash: text('password_hash'),
  firstName: text('first_name').notNull().default(''),
  lastName: text('last_name').notNull().default(''),
  identifier: text('identifier'),
  userType: text('user_type', { enum: ['practitioner', 'patient'] }),
  isSuperuser: bool('is_superuser').notNull().default(false),
  isActive: bool('is_active').notNull().default(true),
  emailVerified: bool('email_verified').notNull().default(false),
  lastLogin: text('last_login'),
  dateJoined: text('date_joined').notNull().default(now()),
});

export const practitioners = pgTable('practitioners', {
  id: id(),
  userId: integer('user_id')
    .notNull()
    .unique()
    .references(() => users.id, { onDelete: 'cascade' }),
  nameFamily: text('name_family'),
  nameGiven: text('name_given'),
  birthDate: text('birth_date'),
  telecomPhone: text('telecom_phone'),
  /** Sticky UI state, e.g. {"current_organization_id":20003} (camelCased on the wire). */
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  lastUpdated: text('last_updated').notNull().default(now()),
});

export const patients = pgTable('patients', {
  id: id(),
  userId: integer('user_id')
    .unique()
    .references(() => users.id, { onDelete: 'set null' }),
  nameFamily: text('name_family'),
  nameGiven: text('name_given'),
  birthDate: text('birth_date'),
  telecomPhone: text('telecom_phone'),
  lastUpdated: text('last_updated').notNull().default(now()),
});

export const patientIdentifiers = pgTable(
  'patient_identifiers',
  {
    id: id(),
    patientId: integer('patient_id')
      .notNull()
      .references(() => patients.id, { onDelete: 'cascade' }),
    system: text('system').notNull(),
    value: text('value').notNull(),
  },
  (t) => [
    uniqueIndex('patient_identifiers_system_value').on(t.system, t.value),
    index('patient_identifiers_patient').on(t.patientId),
  ],
);

export const organizations = pgTable(
  'organizations',
  {
    id: id(),
    name: text('name').notNull(),
    type: text('type', { enum: ORGANIZATION_TYPES }).notNull(),
    partOf: integer('part_of').references((): AnyPgColumn => organizations.id, {
      onDelete: 'cascade',
    }),
  },
  (t) => [index('organizations_part_of').on(t.partOf, t.name)],
);

export const practitionerOrganizations = pgTable(
  'practitioner_organizations',
  {
    id: id(),
    practitionerId: integer('practitioner_id')
      .notNull()
      .references(() => practitioners.id, { onDelete: 'cascade' }),
    organizationId: integer('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    role: text('role', { enum: PRACTITIONER_ROLES }).notNull().default('member'),
  },
  (t) => [
    uniqueIndex('practitioner_organizations_unique').on(t.practitionerId, t.organizationId),
    index('practitioner_organizations_org').on(t.organizationId),
  ],
);

export const patientOrganizations = pgTable(
  'patient_organizations',
  {
    id: id(),
    patientId: integer('patient_id')
      .notNull()
      .references(() => patients.id, { onDelete: 'cascade' }),
    organizationId: integer('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
  },
  (t) => [
    uniqueIndex('patient_organizations_unique').on(t.patientId, t.organizationId),
    index('patient_organizations_org').on(t.organizationId),
  ],
);

export const codeableConcepts = pgTable(
  'codeable_concepts',
  {
    id: id(),
    codingSystem: text('coding_system').notNull(),
    codingCode: text('coding_code').notNull(),
    text: text('text').notNull().default(''),
  },
  (t) => [uniqueIndex('codeable_concepts_system_code').on(t.codingSystem, t.codingCode)],
);

export const dataSources = pgTable('data_sources', {
  id: id(),
  name: text('name').notNull(),
  type: text('type', { enum: DATA_SOURCE_TYPES }).notNull().default('personal_device'),
});

export const dataSourceSupportedScopes = pgTable(
  'data_source_supported_scopes',
  {
    id: id(),
    dataSourceId: integer('data_source_id')
      .notNull()
      .references(() => dataSources.id, { onDelete: 'cascade' }),
    scopeCodeId: integer('scope_code_id')
      .notNull()
      .references(() => codeableConcepts.id, { onDelete: 'cascade' }),
  },
  (t) => [uniqueIndex('data_source_supported_scopes_unique').on(t.dataSourceId, t.scopeCodeId)],
);

export const studies = pgTable(
  'studies',
  {
    id: id(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    organizationId: integer('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    iconUrl: text('icon_url'),
    lastUpdated: text('last_updated').notNull().default(now()),
  },
  (t) => [index('studies_organization').on(t.organizationId)],
);

export const studyPatients = pgTable(
  'study_patients',
  {
    id: id(),
    studyId: integer('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    patientId: integer('patient_id')
      .notNull()
      .references(() => patients.id, { onDelete: 'cascade' }),
  },
  (t) => [
    uniqueIndex('study_patients_unique').on(t.studyId, t.patientId),
    index('study_patients_patient').on(t.patientId),
  ],
);

export const studyScopeRequests = pgTable(
  'study_scope_requests',
  {
    id: id(),
    studyId: integer('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    scopeCodeId: integer('scope_code_id')
      .notNull()
      .references(() => codeableConcepts.id, { onDelete: 'cascade' }),
  },
  (t) => [
    uniqueIndex('study_scope_requests_unique').on(t.studyId, t.scopeCodeId),
    index('study_scope_requests_scope').on(t.scopeCodeId),
  ],
);

export const studyDataSources = pgTable(
  'study_data_sources',
  {
    id: id(),
    studyId: integer('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    dataSourceId: integer('data_source_id')
      .notNull()
      .references(() => dataSources.id, { onDelete: 'cascade' }),
  },
  (t) => [uniqueIndex('study_data_sources_unique').on(t.studyId, t.dataSourceId)],
);

export const studyClients = pgTable(
  'study_clients',
  {
    id: id(),
    studyId: integer('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    clientId: integer('client_id')
      .notNull()
      .references(() => oauthClients.id, { onDelete: 'cascade' }),
  },
  (t) => [uniqueIndex('study_clients_unique').on(t.studyId, t.clientId)],
);

/** Consent of one enrolment (study × patient) for one scope; `consented=false` keeps the row (a revocation). */
export const consents = pgTable(
  'consents',
  {
    id: id(),
    studyPatientId: integer('study_patient_id')
      .notNull()
      .references(() => studyPatients.id, { onDelete: 'cascade' }),
    scopeCodeId: integer('scope_code_id')
      .notNull()
      .references(() => codeableConcepts.id, { onDelete: 'cascade' }),
    consented: bool('consented').notNull(),
    consentedTime: text('consented_time').notNull(),
  },
  (t) => [
    uniqueIndex('consents_study_patient_scope').on(t.studyPatientId, t.scopeCodeId),
    index('consents_scope').on(t.scopeCodeId),
  ],
);

/** OAuth applications: patient apps, the portal, practitioner API keys, the SoF app. */
export const oauthClients = pgTable('oauth_clients', {
  id: id(),
  name: text('name').notNull(),
  clientId: text('client_id').notNull().unique(),
  /** SHA-256 (base64url) of the secret; null for public clients. */
  clientSecretHash: text('client_secret_hash'),
  clientType: text('client_type', { enum: OAUTH_CLIENT_TYPES }).notNull(),
  grantType: text('grant_type', { enum: OAUTH_GRANT_TYPES }).notNull(),
  /** Space-separated, matched exactly (RFC 6749 3.1.2). */
  redirectUris: text('redirect_uris').notNull().default(''),
  skipAuthorization: bool('skip_authorization').notNull().default(true),
  algorithm: text('algorithm').notNull().default('RS256'),
  /** For client_credentials: the user the token acts as (practitioner API keys, upstream `application.user`). */
  ownerUserId: integer('owner_user_id').references(() => users.id, { onDelete: 'cascade' }),
  /** Patient-facing clients only (API.md C.8); `CODE` is replaced by `<host>_<token>`. */
  invitationUrl: text('invitation_url'),
  created: text('created').notNull().default(now()),
  updated: text('updated').notNull().default(now()),
});

export const clientDataSources = pgTable(
  'client_data_sources',
  {
    id: id(),
    clientId: integer('client_id')
      .notNull()
      .references(() => oauthClients.id, { onDelete: 'cascade' }),
    dataSourceId: integer('data_source_id')
      .notNull()
      .references(() => dataSources.id, { onDelete: 'cascade' }),
  },
  (t) => [uniqueIndex('client_data_sources_unique').on(t.clientId, t.dataSourceId)],
);

/** Authorization codes, stored as SHA-256 only; single use (`usedAt`). */
export const authorizationCodes = pgTable(
  'authorization_codes',
  {
    id: id(),
    codeHash: text('code_hash').notNull().unique(),
    kind: text('kind', { enum: AUTHORIZATION_CODE_KINDS }).notNull(),
    clientId: integer('client_id')
      .notNull()
      .references(() => oauthClients.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    redirectUri: text('redirect_uri').notNull(),
    scope: text('scope').notNull(),
    codeChallenge: text('code_challenge').notNull(),
    codeChallengeMethod: text('code_challenge_method').notNull().default('S256'),
    nonce: text('nonce'),
    authTime: text('auth_time').notNull(),
    expiresAt: text('expires_at').notNull(),
    usedAt: text('used_at'),
    /** The access token issued for this code, revoked if the code is replayed (RFC 6749 10.5). */
    accessTokenJti: text('access_token_jti'),
    created: text('created').notNull().default(now()),
  },
  (t) => [index('authorization_codes_user_client').on(t.userId, t.clientId)],
);

/** Refresh tokens (hash only). Rotation: each use revokes the row and issues a child in the same family. */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: id(),
    tokenHash: text('token_hash').notNull().unique(),
    familyId: text('family_id').notNull(),
    clientId: integer('client_id')
      .notNull()
      .references(() => oauthClients.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    scope: text('scope').notNull(),
    /** The authorization code this family came from: a replayed code revokes it (RFC 6749 10.5). */
    authorizationCodeId: integer('authorization_code_id'),
    authTime: text('auth_time').notNull(),
    /** The access token issued with this refresh token, revoked with the family. */
    accessTokenJti: text('access_token_jti').notNull(),
    accessTokenExpiresAt: text('access_token_expires_at').notNull(),
    created: text('created').notNull().default(now()),
    revokedAt: text('revoked_at'),
  },
  (t) => [
    index('refresh_tokens_family').on(t.familyId),
    index('refresh_tokens_code').on(t.authorizationCodeId),
  ],
);

/**
 * Access-token revocations, read incrementally (by id) by every isolate's bearer check at most every
 * few seconds: a row names either one token (`jti`), or all tokens of a user or of an OAuth client
 * issued before `notBefore` (password change, deactivation, a deleted API key).
 */
export const tokenRevocations = pgTable(
  'token_revocations',
  {
    id: id(),
    jti: text('jti'),
    userId: integer('user_id'),
    /** OAuth client_id string. */
    clientId: text('client_id'),
    notBefore: text('not_before'),
    /** When the revoked token(s) would have expired anyway: older rows can be pruned. */
    expiresAt: text('expires_at').notNull(),
    created: text('created').notNull().default(now()),
  },
  (t) => [index('token_revocations_expires').on(t.expiresAt)],
);

export const invitations = pgTable(
  'invitations',
  {
    id: id(),
    patientId: integer('patient_id')
      .notNull()
      .references(() => patients.id, { onDelete: 'cascade' }),
    clientId: integer('client_id')
      .notNull()
      .references(() => oauthClients.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    status: text('status', { enum: INVITATION_STATUSES }).notNull().default('issued'),
    expiresAt: text('expires_at').notNull(),
    redeemedAt: text('redeemed_at'),
    created: text('created').notNull().default(now()),
    lastUpdated: text('last_updated').notNull().default(now()),
  },
  (t) => [index('invitations_patient_client').on(t.patientId, t.clientId)],
);

/** Login throttling: failed attempts per key (email or client address) in a sliding window. */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    id: id(),
    key: text('key').notNull(),
    at: text('at').notNull(),
  },
  (t) => [index('login_attempts_key_at').on(t.key, t.at)],
);

export const observations = pgTable(
  'observations',
  {
    id: id(),
    patientId: integer('patient_id')
      .notNull()
      .references(() => patients.id, { onDelete: 'cascade' }),
    scopeCodeId: integer('scope_code_id')
      .notNull()
      .references(() => codeableConcepts.id),
    dataSourceId: integer('data_source_id').references(() => dataSources.id, {
      onDelete: 'set null',
    }),
    status: text('status', { enum: OBSERVATION_STATUSES }).notNull().default('final'),
    /** The Open mHealth data point (or bare body) exactly as uploaded, as JSON text. */
    omhData: text('omh_data').notNull(),
    /** Extracted from the OMH time frame for `date` search and `_sort`; null when it has none. */
    effectiveStart: text('effective_start'),
    effectiveEnd: text('effective_end'),
    lastUpdated: text('last_updated').notNull().default(now()),
  },
  (t) => [
    index('observations_patient_scope_effective').on(t.patientId, t.scopeCodeId, t.effectiveStart, t.id),
    index('observations_last_updated').on(t.lastUpdated, t.id),
    // Each visible (patient, scope) pair is an ordered range for the default newest-first search.
    index('observations_patient_scope_last_updated').on(t.patientId, t.scopeCodeId, t.lastUpdated, t.id),
  ],
);

/** Globally unique (system, value); a missing system is stored as ''. */
export const observationIdentifiers = pgTable(
  'observation_identifiers',
  {
    id: id(),
    observationId: integer('observation_id')
      .notNull()
      .references(() => observations.id, { onDelete: 'cascade' }),
    system: text('system').notNull().default(''),
    value: text('value').notNull(),
  },
  (t) => [
    uniqueIndex('observation_identifiers_system_value').on(t.system, t.value),
    index('observation_identifiers_observation').on(t.observationId),
  ],
);

/** DB-backed runtime settings (API.md F.10); `value` is the text form of the typed value. */
export const settings = pgTable('settings', {
  id: id(),
  key: text('key').notNull().unique(),
  valueType: text('value_type', { enum: SETTING_VALUE_TYPES }).notNull(),
  value: text('value').notNull(),
  lastUpdated: text('last_updated').notNull().default(now()),
});

export const auditLog = pgTable(
  'audit_log',
  {
    id: id(),
    actorUserId: integer('actor_user_id'),
    action: text('action').notNull(),
    target: text('target'),
    outcome: text('outcome', { enum: AUDIT_OUTCOMES }).notNull(),
    requestId: text('request_id'),
    at: text('at').notNull().default(now()),
  },
  (t) => [index('audit_log_at').on(t.at, t.id)],
);
