/**
 * Practitioner self-signup (API.md B.7): invite code, password rules, unused email, then the user,
 * its practitioner row and the default organization links in one atomic `db.batch`.
 */
import { inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { organizations, PRACTITIONER_ROLES, type PractitionerRole } from '../db/schema';
import { readSetting } from '../db/settings';
import { findUserByEmailInsensitive, insertPractitionerAccount } from '../db/users';
import { constantTimeEqual } from '../lib/crypto';
import { AppError, isAppError } from '../lib/errors';
import { hashPassword } from '../lib/password';

export const SIGNUP_MIN_PASSWORD_LENGTH = 5;
/** Upstream stores this placeholder for names a self-signed-up practitioner has not given yet. */
const NO_NAME = 'NONE';
/** RFC 5321 4.5.3.1.3: a forward path is at most 256 octets, so an address at most 254. */
const MAX_EMAIL_LENGTH = 254;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const SIGNUP_MESSAGES = {
  joincode: 'Your Invite Code is invalid.',
  email: 'Enter a valid email address.',
  emailTaken: 'This Email already exists',
  passwordShort: `Your Password should have at least ${SIGNUP_MIN_PASSWORD_LENGTH} characters.`,
  passwordMismatch: "The two password fields didn't match.",
} as const;

export interface SignupInput {
  email: string;
  password: string;
  password2: string;
  joincode: string;
}

/** Seed-era env values, used only when the settings row is absent (API.md F.10). */
export interface SignupEnvDefaults {
  inviteCode?: string;
  defaultOrgs?: string;
}

export interface DefaultOrgLink {
  organizationId: number;
  role: PractitionerRole;
}

/**
 * Parse `auth.default_orgs` (`"<orgId>:<role>;<orgId>:<role>"`). Malformed entries are skipped
 * and a repeated organization keeps its first role, so the setting can never abort a signup.
 */
export function parseDefaultOrgs(value: string): DefaultOrgLink[] {
  const links = new Map<number, PractitionerRole>();
  for (const entry of value.split(';')) {
    const match = /^\s*(\d+)\s*:\s*([a-z]+)\s*$/.exec(entry);
    const id = Number(match?.[1]);
    const role = PRACTITIONER_ROLES.find((r) => r === match?.[2]);
    if (match && Number.isSafeInteger(id) && role && !links.has(id)) links.set(id, role);
  }
  return [...links].map(([organizationId, role]) => ({ organizationId, role }));
}

function invalid(messages: string[]): AppError {
  return new AppError('invalid', messages.join(' '), { body: messages });
}

/**
 * Create a practitioner account; returns the new user id. Throws `AppError('invalid')` whose
 * `body` lists the messages to show; nothing is stored then. The invite code is checked first and
 * alone, so someone without it cannot probe which emails are registered.
 */
export async function signUpPractitioner(
  db: Db,
  input: SignupInput,
  now: Date,
  envDefaults: SignupEnvDefaults = {},
): Promise<number> {
  const [inviteSetting, orgsSetting] = await Promise.all([
    readSetting(db, 'site.registration_invite_code'),
    readSetting(db, 'auth.default_orgs'),
  ]);
  const inviteCode = inviteSetting ?? envDefaults.inviteCode ?? '';
  // An empty invite code closes signup rather than opening it to everyone.
  if (inviteCode === '' || !(await constantTimeEqual(input.joincode, inviteCode))) {
    throw invalid([SIGNUP_MESSAGES.joincode]);
  }

  const email = input.email.trim().toLowerCase();
  const messages: string[] = [];
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL_PATTERN.test(email)) messages.push(SIGNUP_MESSAGES.email);
  else if (await findUserByEmailInsensitive(db, email)) messages.push(SIGNUP_MESSAGES.emailTaken);
  if (input.password.length < SIGNUP_MIN_PASSWORD_LENGTH) messages.push(SIGNUP_MESSAGES.passwordShort);
  if (input.password !== input.password2) messages.push(SIGNUP_MESSAGES.passwordMismatch);
  if (messages.length > 0) throw invalid(messages);

  const wanted = parseDefaultOrgs(orgsSetting ?? envDefaults.defaultOrgs ?? '');
  const existing =
    wanted.length === 0
      ? []
      : await db
          .select({ id: organizations.id })
          .from(organizations)
          .where(
            inArray(
              organizations.id,
              wanted.map((w) => w.organizationId),
            ),
          );
  const known = new Set(existing.map((o) => o.id));
  const links = wanted.filter((w) => known.has(w.organizationId));

  const passwordHash = await hashPassword(input.password);
  try {
    return await insertPractitionerAccount(db, {
      email,
      passwordHash,
      firstName: NO_NAME,
      lastName: NO_NAME,
      joinedAt: now.toISOString(),
      organizations: links,
    });
  } catch (err) {
    // A concurrent signup with the same email passed the pre-check too: the constraint decides.
    if (isAppError(err) && err.code === 'conflict') throw invalid([SIGNUP_MESSAGES.emailTaken]);
    throw err;
  }
}
