/**
 * Seeds the demo data of API.md section F. Idempotent: every row has a fixed key and is inserted
 * with ON CONFLICT DO NOTHING in one atomic batch, so a second run changes nothing and a failed
 * run leaves nothing half-written.
 */
import { eq, inArray } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { chunkedInserts, runBatch } from '../../db/batch';
import type { Db } from '../../db/client';
import * as t from '../../db/schema';
import { sha256 } from '../../lib/crypto';
import { hashPassword } from '../../lib/password';
import { randomAlphanumeric } from '../../lib/random';
import {
  CLIENTS,
  CONSENTED_TIME,
  DATA_SOURCES,
  DEMO_PASSWORD,
  MEMBERSHIPS,
  OBSERVATIONS,
  ORGANIZATIONS,
  PATIENT_DETAILS,
  PATIENT_IDENTIFIERS,
  PATIENTS,
  PRACTITIONER_SETTINGS,
  SCOPES,
  SETTINGS,
  SOF_CLIENT_NAME,
  SOF_DEFAULT_CLIENT_ID,
  SOF_DEFAULT_CLIENT_SECRET,
  STUDIES,
  USERS,
  userIdentifier,
  type SeedClient,
  type SeedProfile,
} from './seed-data';
import { seedDataPoint } from './seed-observations';

export interface SeedOptions {
  profile: SeedProfile;
  /** SITE_URL: the seeded clients' redirect URI is `<siteUrl>/auth/callback`. */
  siteUrl: string;
  /** Fixed OAuth client ids (F.9 [R]: env overrides); random 40 characters otherwise. */
  clientIds?: Partial<Record<SeedClient['key'] | 'sof', string>>;
  sofClientSecret?: string;
  /** The optional MCP server client (F.9 pk 5), seeded only when an id is given. */
  mcp?: { clientId: string; clientSecret: string; redirectUri: string };
}

/** Rows inserted per table (0 everywhere on a second run). */
export type SeedReport = Record<string, number>;

/** Insert the demo data set; returns how many rows each table received. */
export async function seedDemo(db: Db, options: SeedOptions): Promise<SeedReport> {
  const { profile } = options;
  const callback = `${options.siteUrl.replace(/\/+$/, '')}/auth/callback`;
  const steps: [string, BatchItem<'sqlite'>[]][] = [];
  const add = (name: string, items: BatchItem<'sqlite'>[]) => steps.push([name, items]);
  const insert = <T extends SQLiteTable>(name: string, table: T, rows: T['$inferInsert'][]) =>
    add(name, chunkedInserts(db, table, rows, { ignoreConflicts: true }));

  insert('users', t.users, await userRows(db, profile));
  insert(
    'practitioners',
    t.practitioners,
    USERS.flatMap((u) =>
      u.practitionerId
        ? [
            {
              id: u.practitionerId,
              userId: u.id,
              nameFamily: u.lastName,
              nameGiven: u.firstName[profile],
              settings: PRACTITIONER_SETTINGS[u.practitionerId] ?? {},
            },
          ]
        : [],
    ),
  );
  insert(
    'patients',
    t.patients,
    USERS.flatMap((u) => {
      const details = u.patientId ? PATIENT_DETAILS[u.patientId] : undefined;
      return u.patientId && details
        ? [
            {
              id: u.patientId,
              userId: u.id,
              nameFamily: u.lastName,
              nameGiven: u.firstName[profile],
              ...details,
            },
          ]
        : [];
    }),
  );
  insert(
    'patient_identifiers',
    t.patientIdentifiers,
    PATIENT_IDENTIFIERS.map(([patientId, system, value], i) => ({ id: i + 1, patientId, system, value })),
  );
  insert(
    'organizations',
    t.organizations,
    ORGANIZATIONS.map((o) => ({ id: o.id, name: o.name[profile], type: o.type[profile], partOf: o.partOf })),
  );
  insert(
    'practitioner_organizations',
    t.practitionerOrganizations,
    MEMBERSHIPS.map(([practitionerId, organizationId, role], i) => ({
      id: i + 1,
      practitionerId,
      organizationId,
      role,
    })),
  );
  insert(
    'patient_organizations',
    t.patientOrganizations,
    numbered(
      PATIENTS.flatMap((p) => p.organizations.map((organizationId) => ({ patientId: p.id, organizationId }))),
    ),
  );
  insert(
    'codeable_concepts',
    t.codeableConcepts,
    SCOPES.map(([id, codingSystem, codingCode, text]) => ({ id, codingSystem, codingCode, text })),
  );
  insert(
    'data_sources',
    t.dataSources,
    DATA_SOURCES.map(({ id, name, type }) => ({ id, name, type })),
  );
  insert(
    'data_source_supported_scopes',
    t.dataSourceSupportedScopes,
    numbered(
      DATA_SOURCES.flatMap((d) => d.scopes.map((scopeCodeId) => ({ dataSourceId: d.id, scopeCodeId }))),
    ),
  );
  insert('oauth_clients', t.oauthClients, await clientRows(options, callback));
  insert(
    'client_data_sources',
    t.clientDataSources,
    numbered(CLIENTS.flatMap((c) => c.dataSources.map((dataSourceId) => ({ clientId: c.id, dataSourceId })))),
  );
  insert(
    'studies',
    t.studies,
    STUDIES.map((s) => ({
      id: s.id,
      name: s.name[profile],
      description: s.description[profile],
      organizationId: s.organizationId,
    })),
  );
  insert(
    'study_scope_requests',
    t.studyScopeRequests,
    numbered(
      STUDIES.flatMap((s) => s.scopes[profile].map((scopeCodeId) => ({ studyId: s.id, scopeCodeId }))),
    ),
  );
  insert(
    'study_data_sources',
    t.studyDataSources,
    numbered(
      STUDIES.flatMap((s) => s.dataSources[profile].map((dataSourceId) => ({ studyId: s.id, dataSourceId }))),
    ),
  );
  insert(
    'study_clients',
    t.studyClients,
    numbered(STUDIES.flatMap((s) => s.clients.map((clientId) => ({ studyId: s.id, clientId })))),
  );
  const enrolments = numbered(
    PATIENTS.flatMap((p) =>
      Object.entries(p.enrolments).map(([studyId, scopes]) => ({
        studyId: Number(studyId),
        patientId: p.id,
        scopes: scopes[profile],
      })),
    ),
  );
  insert(
    'study_patients',
    t.studyPatients,
    enrolments.map(({ id, studyId, patientId }) => ({ id, studyId, patientId })),
  );
  insert(
    'consents',
    t.consents,
    numbered(
      enrolments.flatMap((e) =>
        e.scopes.map((scopeCodeId) => ({
          studyPatientId: e.id,
          scopeCodeId,
          consented: true,
          consentedTime: CONSENTED_TIME,
        })),
      ),
    ),
  );
  insert(
    'observations',
    t.observations,
    OBSERVATIONS.map(([id, patientId, scope]) => {
      const dataPoint = seedDataPoint(id, scope[profile]);
      return {
        id,
        patientId,
        scopeCodeId: scope[profile],
        status: 'final' as const,
        omhData: JSON.stringify(dataPoint),
        effectiveStart: effectiveOf(dataPoint),
        lastUpdated: dataPoint.header.source_creation_date_time,
      };
    }),
  );
  insert('settings', t.settings, [
    { key: 'site.url', valueType: 'string', value: options.siteUrl },
    ...SETTINGS.map(([key, valueType, value]) => ({ key, valueType, value })),
  ]);

  const results = await runBatch(
    db,
    steps.flatMap(([, items]) => items),
  );
  await addRedirectUri(db, callback);
  const report: SeedReport = {};
  let i = 0;
  for (const [name, items] of steps) {
    report[name] = items.reduce((sum) => sum + (results[i++]?.meta.changes ?? 0), 0);
  }
  return report;
}

function numbered<T extends object>(rows: T[]): (T & { id: number })[] {
  return rows.map((row, i) => ({ ...row, id: i + 1 }));
}

function effectiveOf(dataPoint: ReturnType<typeof seedDataPoint>): string | null {
  const frame = dataPoint.body.effective_time_frame as { date_time?: unknown } | undefined;
  return typeof frame?.date_time === 'string' ? frame.date_time : null;
}

/** Hash passwords only for users not yet present: PBKDF2 is deliberately slow. */
async function userRows(db: Db, profile: SeedProfile): Promise<(typeof t.users.$inferInsert)[]> {
  const existing = await db
    .select({ id: t.users.id })
    .from(t.users)
    .where(
      inArray(
        t.users.id,
        USERS.map((u) => u.id),
      ),
    );
  const present = new Set(existing.map((r) => r.id));
  return Promise.all(
    USERS.filter((u) => !present.has(u.id)).map(async (u) => ({
      id: u.id,
      email: u.email[profile],
      passwordHash: await hashPassword(DEMO_PASSWORD),
      firstName: u.firstName[profile],
      lastName: u.lastName,
      identifier: userIdentifier(u.id),
      userType: u.patientId ? ('patient' as const) : ('practitioner' as const),
      isSuperuser: u.isSuperuser ?? false,
      emailVerified: true,
    })),
  );
}

async function clientRows(
  options: SeedOptions,
  callback: string,
): Promise<(typeof t.oauthClients.$inferInsert)[]> {
  const ids = options.clientIds ?? {};
  const rows: (typeof t.oauthClients.$inferInsert)[] = CLIENTS.map((c) => ({
    id: c.id,
    name: c.name,
    clientId: ids[c.key] ?? randomAlphanumeric(40),
    clientType: 'public',
    grantType: 'authorization-code',
    redirectUris: callback,
    skipAuthorization: true,
    invitationUrl: c.invitationUrl,
  }));
  let nextId = CLIENTS.length + 1;
  if (options.mcp) {
    rows.push({
      id: nextId++,
      name: 'JHE MCP Server',
      clientId: options.mcp.clientId,
      clientSecretHash: await sha256(options.mcp.clientSecret),
      clientType: 'confidential',
      grantType: 'authorization-code',
      redirectUris: options.mcp.redirectUri,
      skipAuthorization: true,
    });
  }
  rows.push({
    id: nextId,
    name: SOF_CLIENT_NAME,
    clientId: ids.sof ?? SOF_DEFAULT_CLIENT_ID,
    clientSecretHash: await sha256(options.sofClientSecret ?? SOF_DEFAULT_CLIENT_SECRET),
    clientType: 'confidential',
    grantType: 'client-credentials',
    skipAuthorization: true,
  });
  return rows;
}

/**
 * Register `<SITE_URL>/auth/callback` on the seeded public clients when the server moved (another
 * PORT or SITE_URL), keeping earlier URIs: exact matching would otherwise lock the portal out.
 */
async function addRedirectUri(db: Db, callback: string): Promise<void> {
  const seeded = await db
    .select({ id: t.oauthClients.id, redirectUris: t.oauthClients.redirectUris })
    .from(t.oauthClients)
    .where(
      inArray(
        t.oauthClients.id,
        CLIENTS.map((c) => c.id),
      ),
    );
  const updates = seeded
    .filter((c) => !c.redirectUris.split(' ').includes(callback))
    .map((c) =>
      db
        .update(t.oauthClients)
        .set({ redirectUris: [c.redirectUris, callback].filter(Boolean).join(' ') })
        .where(eq(t.oauthClients.id, c.id)),
    );
  await runBatch(db, updates);
}
