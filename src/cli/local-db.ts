import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { getPlatformProxy } from 'wrangler';
import { createDb } from '../db/client';
import { seedDemo, type SeedReport } from '../domain/seed/seed';
import { SEED_PROFILES, type SeedProfile } from '../domain/seed/seed-data';

/** Where wrangler (and getPlatformProxy) keep local D1 state. */
const LOCAL_D1_STATE = '.wrangler/state/v3/d1';

/** Apply pending migrations to the local D1 database; exits the process on failure. */
export function migrateLocal(): void {
  const result = spawnSync('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local'], {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' },
  });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error('applying migrations to the local database failed');
  }
  // wrangler prints the pending list, then the same table with ✅ marks: count distinct names.
  const applied = new Set(result.stdout.match(/\d{4}_\w+\.sql(?=\s*│\s*✅)/g) ?? []).size;
  console.info(applied > 0 ? `Migrations: ${applied} applied.` : 'Migrations: up to date.');
}

/** Delete the local D1 database (npm run db:reset). */
export function deleteLocalDatabase(): void {
  rmSync(LOCAL_D1_STATE, { recursive: true, force: true });
}

export function seedProfileFromEnv(): SeedProfile {
  const value = process.env.SEED_PROFILE ?? 'seed';
  if (!(SEED_PROFILES as readonly string[]).includes(value)) {
    throw new Error(`SEED_PROFILE must be one of ${SEED_PROFILES.join(', ')} (got "${value}")`);
  }
  return value as SeedProfile;
}

/** Seed the local database through wrangler's platform proxy (the same D1 files wrangler dev uses). */
export async function seedLocal(siteUrl: string): Promise<SeedReport> {
  const proxy = await getPlatformProxy<{ DB: D1Database }>({ persist: true, remoteBindings: false });
  try {
    const env = process.env;
    const sofSecret = env.SOF_EHR_LAUNCH_CLIENT_SECRET;
    const mcpClientId = env.MCP_OAUTH_CLIENT_ID;
    return await seedDemo(createDb(proxy.env.DB), {
      profile: seedProfileFromEnv(),
      siteUrl,
      clientIds: {
        ...(env.CAREX_CLIENT_ID && { carex: env.CAREX_CLIENT_ID }),
        ...(env.COMMONHEALTH_CLIENT_ID && { commonhealth: env.COMMONHEALTH_CLIENT_ID }),
        ...(env.PATIENT_ACCESS_CLIENT_ID && { patient_access: env.PATIENT_ACCESS_CLIENT_ID }),
        ...(env.JHE_ADMIN_UI_CLIENT_ID && { admin_ui: env.JHE_ADMIN_UI_CLIENT_ID }),
        ...(env.SOF_EHR_LAUNCH_CLIENT_ID && { sof: env.SOF_EHR_LAUNCH_CLIENT_ID }),
      },
      ...(sofSecret && { sofClientSecret: sofSecret }),
      ...(mcpClientId && {
        mcp: {
          clientId: mcpClientId,
          clientSecret: env.MCP_OAUTH_CLIENT_SECRET ?? '',
          redirectUri: env.MCP_OAUTH_REDIRECT_URI ?? 'https://jhe-mcp.fly.dev/oauth/callback',
        },
      }),
    });
  } finally {
    await proxy.dispose();
  }
}

/** Print a seed report as one line per table. */
export function printSeedReport(report: SeedReport): void {
  const inserted = Object.entries(report).filter(([, n]) => n > 0);
  if (inserted.length === 0) {
    console.info('Seed: demo data already present, nothing changed.');
    return;
  }
  console.info(
    `Seed (${seedProfileFromEnv()} profile): ${inserted.map(([table, n]) => `${table} +${n}`).join(', ')}`,
  );
}
