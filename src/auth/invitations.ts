/**
 * Patient invitations (API.md B.8): how a patient app obtains tokens without a password.
 * - Seed flow (B.8.1): a 14-day authorization code bound to the static PKCE challenge of the
 *   environment; the link carries `host|code`. Only the newest link of a user works.
 * - Current flow (B.8.2): a 32-character invitation token (stored as its hash) that the app
 *   redeems for a 60-second code whose PKCE verifier is derived from the token.
 * Callers decide who may invite (consent/) before calling these.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client';
import type { Bindings } from '../env';
import { authorizationCodes, invitations, oauthClients, patients, users } from '../db/schema';
import { readSetting } from '../db/settings';
import { sha256 } from '../lib/crypto';
import { base64url } from '../lib/encoding';
import { AppError } from '../lib/errors';
import { randomAlphanumeric } from '../lib/random';
import { AUTHORIZE_CODE_SECONDS, newCodeRow } from './codes';
import { PORTAL_CLIENT_NAME } from './oidc-settings.routes';

/** B.5: seed-flow invitation codes live 14 days. */
export const INVITATION_LINK_CODE_SECONDS = 1_209_600;
const DEFAULT_EXPIRATION_DAYS = 7;
const DEFAULT_REDEMPTION_WINDOW_HOURS = 12;

export interface InvitationConfig {
  siteUrl: string;
  linkPrefix: string;
  excludeHost: boolean;
  staticChallenge: string | undefined;
}

const siteBase = (siteUrl: string) => siteUrl.replace(/\/+$/, '');
const siteHost = (siteUrl: string) => new URL(siteUrl).host;
const callbackOf = (siteUrl: string) => `${siteBase(siteUrl)}/auth/callback`;

async function clientByPk(db: Db, clientPk: number | undefined) {
  const where =
    clientPk === undefined ? eq(oauthClients.name, PORTAL_CLIENT_NAME) : eq(oauthClients.id, clientPk);
  const client = await db.select().from(oauthClients).where(where).get();
  if (!client) throw new AppError('not_found', 'No Client matches the given query.');
  return client;
}

/**
 * B.8.1: a fresh invitation link for the patient's user. Earlier unused links of the user stop
 * working; the user's last login becomes now (the ID token's `auth_time`).
 */
export async function createInvitationLink(
  db: Db,
  config: InvitationConfig,
  input: { userId: number; clientPk?: number },
  now = new Date(),
): Promise<string> {
  if (!config.staticChallenge) {
    throw new AppError(
      'misconfigured',
      'Server misconfigured: PATIENT_AUTHORIZATION_CODE_CHALLENGE is not set.',
    );
  }
  const client = await clientByPk(db, input.clientPk);
  const { code, row } = await newCodeRow(
    {
      kind: 'invitation_link',
      clientPk: client.id,
      userId: input.userId,
      redirectUri: callbackOf(config.siteUrl),
      scope: 'openid',
      codeChallenge: config.staticChallenge,
      authTime: now.toISOString(),
      ttlSeconds: INVITATION_LINK_CODE_SECONDS,
    },
    now,
  );
  await db.batch([
    db
      .delete(authorizationCodes)
      .where(
        and(
          eq(authorizationCodes.userId, input.userId),
          eq(authorizationCodes.kind, 'invitation_link'),
          isNull(authorizationCodes.usedAt),
        ),
      ),
    db.insert(authorizationCodes).values(row),
    db.update(users).set({ lastLogin: now.toISOString() }).where(eq(users.id, input.userId)),
  ]);
  // Apps split the decoded suffix on '|' (sent as %7C) into host and code.
  return config.excludeHost
    ? `${config.linkPrefix}${code}`
    : `${config.linkPrefix}${encodeURIComponent(`${siteHost(config.siteUrl)}|`)}${code}`;
}

export interface CreatedInvitation {
  id: number;
  patientId: number;
  clientPk: number;
  tokenHash: string;
  token: string;
  status: 'issued';
  lastUpdated: string;
  invitationLink: string;
}

async function intSetting(db: Db, key: string, fallback: number): Promise<number> {
  const value = Number(await readSetting(db, key));
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** B.8.2 step 1: a new invitation; earlier `issued` ones for the same patient and client become `reissued`. */
export async function createInvitation(
  db: Db,
  config: InvitationConfig,
  input: { patientId: number; clientPk: number },
  now = new Date(),
): Promise<CreatedInvitation> {
  const client = await clientByPk(db, input.clientPk);
  if (!client.invitationUrl) {
    throw new AppError('invalid', 'This client has no invitation URL, so it cannot be used for invitations.');
  }
  const days = await intSetting(db, 'auth.patient.invitation_expiration_days', DEFAULT_EXPIRATION_DAYS);
  const token = randomAlphanumeric(32);
  const tokenHash = await sha256(token);
  const nowIso = now.toISOString();
  const [, inserted] = await db.batch([
    db
      .update(invitations)
      .set({ status: 'reissued', lastUpdated: nowIso })
      .where(
        and(
          eq(invitations.patientId, input.patientId),
          eq(invitations.clientId, client.id),
          eq(invitations.status, 'issued'),
        ),
      ),
    db
      .insert(invitations)
      .values({
        patientId: input.patientId,
        clientId: client.id,
        tokenHash,
        status: 'issued',
        expiresAt: new Date(now.getTime() + days * 86_400_000).toISOString(),
        created: nowIso,
        lastUpdated: nowIso,
      })
      .returning({ id: invitations.id }),
  ]);
  const id = inserted[0]?.id;
  if (id === undefined) throw new Error('invitation insert returned no row');
  // `CODE` -> url-encoded `<host>_<token>`: '_' stays, ':' of host:port becomes %3A.
  const invitationLink = client.invitationUrl.replace(
    'CODE',
    encodeURIComponent(`${siteHost(config.siteUrl)}_${token}`),
  );
  return {
    id,
    patientId: input.patientId,
    clientPk: client.id,
    tokenHash,
    token,
    status: 'issued',
    lastUpdated: nowIso,
    invitationLink,
  };
}

export interface RedeemedInvitation {
  grant: { grant_type: 'authorization_code'; redirect_uri: string; client_id: string; code: string };
  token_endpoint: string;
  expires: string;
}

/**
 * The PKCE verifier a patient app derives from the invitation token: base64 of the token without
 * padding. Apps compute `btoa(token)` (standard alphabet), the contract names base64url: the
 * challenge is computed from the base64url form, and the token endpoint folds `+/` to `-_`.
 */
export function invitationVerifier(token: string): string {
  return base64url(new TextEncoder().encode(token));
}

const TOKEN_FORMAT = /^[A-Za-z0-9]{32}$/;

/** B.8.2 step 2 (public): exchange an invitation token for a 60-second authorization code. */
export async function redeemInvitation(
  db: Db,
  config: InvitationConfig,
  token: string,
  now = new Date(),
): Promise<RedeemedInvitation> {
  const notFound = new AppError('not_found', 'Invitation not found or already used.');
  if (!TOKEN_FORMAT.test(token)) throw notFound;
  const found = await db
    .select({ invitation: invitations, userId: patients.userId, clientId: oauthClients.clientId })
    .from(invitations)
    .innerJoin(oauthClients, eq(oauthClients.id, invitations.clientId))
    .innerJoin(patients, eq(patients.id, invitations.patientId))
    .where(eq(invitations.tokenHash, await sha256(token)))
    .get();
  if (!found || found.userId === null) throw notFound;
  const { invitation, userId } = found;
  const nowIso = now.toISOString();
  if (invitation.status === 'cancelled') throw new AppError('forbidden', 'Invitation has been cancelled.');
  if (invitation.status === 'reissued') throw new AppError('conflict', 'Invitation has already been used.');
  if (invitation.status === 'expired' || Date.parse(invitation.expiresAt) <= now.getTime()) {
    if (invitation.status !== 'expired') {
      await db
        .update(invitations)
        .set({ status: 'expired', lastUpdated: nowIso })
        .where(eq(invitations.id, invitation.id));
    }
    throw new AppError('gone', 'Invitation has expired.');
  }
  if (invitation.redeemedAt) {
    const hours = await intSetting(
      db,
      'auth.patient.invitation_redemption_window_hours',
      DEFAULT_REDEMPTION_WINDOW_HOURS,
    );
    if (Date.parse(invitation.redeemedAt) + hours * 3_600_000 <= now.getTime()) {
      throw new AppError('conflict', 'Invitation has already been used.');
    }
  }
  const redirectUri = callbackOf(config.siteUrl);
  const { code, row } = await newCodeRow(
    {
      kind: 'invitation',
      clientPk: invitation.clientId,
      userId,
      redirectUri,
      scope: 'openid email',
      codeChallenge: await sha256(invitationVerifier(token)),
      authTime: nowIso,
      ttlSeconds: AUTHORIZE_CODE_SECONDS,
    },
    now,
  );
  // Each redemption replaces the user's earlier unused grants for this client.
  await db.batch([
    db
      .delete(authorizationCodes)
      .where(
        and(
          eq(authorizationCodes.userId, userId),
          eq(authorizationCodes.clientId, invitation.clientId),
          eq(authorizationCodes.kind, 'invitation'),
          isNull(authorizationCodes.usedAt),
        ),
      ),
    db.insert(authorizationCodes).values(row),
    db
      .update(invitations)
      .set({ status: 'redeemed', redeemedAt: invitation.redeemedAt ?? nowIso, lastUpdated: nowIso })
      .where(eq(invitations.id, invitation.id)),
  ]);
  return {
    grant: { grant_type: 'authorization_code', redirect_uri: redirectUri, client_id: found.clientId, code },
    token_endpoint: `${siteBase(config.siteUrl)}/o/token/`,
    expires: row.expiresAt,
  };
}

/** Invitation settings from the environment (seed-era variables, API.md F.10). */
export function invitationConfig(env: Bindings): InvitationConfig {
  return {
    siteUrl: env.SITE_URL,
    linkPrefix: env.CH_INVITATION_LINK_PREFIX ?? '',
    excludeHost: ['true', '1', 'yes'].includes((env.CH_INVITATION_LINK_EXCLUDE_HOST ?? '').toLowerCase()),
    staticChallenge: env.PATIENT_AUTHORIZATION_CODE_CHALLENGE,
  };
}
