import type { Db } from './db/client';
import type { Logger } from './lib/log';
import type { Principal } from './lib/principal';

/** Worker bindings: `[vars]` of wrangler.toml, secrets from `.dev.vars` / `wrangler secret put`. */
export interface Bindings {
  DB: D1Database;
  ASSETS?: Fetcher;
  SITE_URL: string;
  SITE_TITLE?: string;
  REGISTRATION_INVITE_CODE?: string;
  CH_INVITATION_LINK_PREFIX?: string;
  CH_INVITATION_LINK_EXCLUDE_HOST?: string;
  PATIENT_AUTHORIZATION_CODE_CHALLENGE?: string;
  PATIENT_AUTHORIZATION_CODE_VERIFIER?: string;
  PRACTITIONER_DEFAULT_ORGS?: string;
  SAML2_ENABLED?: string;
  SSO_VALID_DOMAINS?: string;
  IDENTITY_PROVIDER_METADATA_URL?: string;
  LOG_LEVEL?: string;
  /** Secrets. */
  OIDC_RSA_PRIVATE_KEY?: string;
  SECRET_KEY?: string;
}

export interface Variables {
  db: Db;
  requestId: string;
  log: Logger;
  /** Set only by `requireAuth`. */
  principal: Principal;
}

export type AppEnv = { Bindings: Bindings; Variables: Variables };
