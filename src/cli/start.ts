/**
 * `npm start`: development secrets, local D1 migrated and seeded, then `wrangler dev` on PORT
 * (default 8787) with SITE_URL matching it. Prints the demo logins.
 */
import { spawn } from 'node:child_process';
import { DEMO_PASSWORD, USERS } from '../domain/seed/seed-data';
import { ensureDevVars } from './dev-vars';
import { migrateLocal, printSeedReport, seedLocal, seedProfileFromEnv } from './local-db';
import { sitePort, siteUrl } from './site';

const port = sitePort();
const url = siteUrl(port);

const generated = ensureDevVars();
if (generated.length > 0) console.info(`Generated development secrets in .dev.vars: ${generated.join(', ')}`);
migrateLocal();
printSeedReport(await seedLocal(url));

const profile = seedProfileFromEnv();
console.info(`\nDemo logins (password ${DEMO_PASSWORD} for every user):`);
for (const user of USERS) {
  const kind = user.isSuperuser ? 'superuser' : user.patientId ? `patient ${user.patientId}` : 'practitioner';
  console.info(`  ${user.email[profile].padEnd(36)} ${kind}`);
}
console.info(`\nJupyterHealth Exchange: ${url}  (health: ${url}/health)\n`);

const child = spawn(
  'wrangler',
  ['dev', '--port', String(port), '--var', `SITE_URL:${url}`, '--show-interactive-dev-session=false'],
  { stdio: 'inherit', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
