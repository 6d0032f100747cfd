/**
 * `npm run test:browser`: the portal in a real browser against a real Worker. Starts `wrangler dev`
 * on a fresh, migrated and seeded database in a temporary folder, drives Debian's Chromium through
 * playwright-core (never a downloaded browser), and checks API.md Appendix B: `/` sign-in as
 * mary@example.com lands on the organizations page; signup with invite code `jhe` lands on the
 * portal. Ends with the line `N passed, N failed`, and a non-zero exit on failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';
import { getPlatformProxy } from 'wrangler';
import { createDb } from '../../src/db/client';
import { seedDemo } from '../../src/domain/seed/seed';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RESULTS = 'test-results';
const PASSWORD = 'Jhe1234!';
const BIDS = 'Berkeley Institute for Data Science (BIDS)';
const WRANGLER = join('node_modules', '.bin', 'wrangler');
const QUIET_ENV = { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Migrations with wrangler, seed through the platform proxy: the same files `wrangler dev` reads. */
async function prepareDatabase(stateDir: string, siteUrl: string): Promise<void> {
  const migrate = spawnSync(
    WRANGLER,
    ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', stateDir],
    { encoding: 'utf8', env: QUIET_ENV },
  );
  if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stdout}${migrate.stderr}`);
  const proxy = await getPlatformProxy<{ DB: D1Database }>({
    persist: { path: join(stateDir, 'v3') },
    remoteBindings: false,
  });
  try {
    await seedDemo(createDb(proxy.env.DB), { profile: 'seed', siteUrl });
  } finally {
    await proxy.dispose();
  }
}

async function startWorker(stateDir: string, port: number, siteUrl: string): Promise<ChildProcess> {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const args = [
    'dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    String(await freePort()),
    '--persist-to',
    stateDir,
    '--show-interactive-dev-session=false',
    '--log-level',
    'warn',
    '--var',
    `SITE_URL:${siteUrl}`,
    '--var',
    // One line with \n escapes: the Worker unescapes them (as in .dev.vars).
    `OIDC_RSA_PRIVATE_KEY:${privateKey.trim().replace(/\n/g, '\\n')}`,
    '--var',
    `SECRET_KEY:${randomBytes(32).toString('base64url')}`,
    '--var',
    'LOG_LEVEL:warn',
  ];
  const child = spawn(WRANGLER, args, { env: QUIET_ENV, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${output}`);
    try {
      const health = await fetch(`${siteUrl}/health`);
      if (health.ok) return child;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  stopProcess(child);
  throw new Error(`wrangler dev did not answer /health within 90 s:\n${output}`);
}

/** Stop the process group wrangler dev started (it runs workerd as a child). */
function stopProcess(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
}

type Check = { name: string; run: () => Promise<void> };
const checks: Check[] = [];
function check(name: string, run: () => Promise<void>): void {
  checks.push({ name, run });
}

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

async function signInThroughForm(page: Page, email: string): Promise<void> {
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/accounts\/login\//);
  await page.locator('input[name="username"]').fill(email);
  await page.locator('input[name="password"]').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function main(): Promise<number> {
  assert(
    existsSync(CHROMIUM),
    `${CHROMIUM} is missing: apt-get install -y chromium (never a downloaded browser)`,
  );
  mkdirSync(RESULTS, { recursive: true });
  const stateDir = mkdtempSync(join(tmpdir(), 'jhe-portal-'));
  const port = await freePort();
  const siteUrl = `http://127.0.0.1:${port}`;
  let worker: ChildProcess | undefined;
  let browser: Browser | undefined;
  try {
    await prepareDatabase(stateDir, siteUrl);
    worker = await startWorker(stateDir, port, siteUrl);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const pageErrors: string[] = [];
    // Paths a check provokes an error on on purpose (their failed responses are not page errors).
    const expectedFailures = new Set<string>(['/favicon.ico']);
    const expected = (url: string) => expectedFailures.has(new URL(url, siteUrl).pathname);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !expected(msg.location().url))
        pageErrors.push(`${msg.text()} (${msg.location().url})`);
    });
    page.on('response', (res) => {
      // The account pages (server-rendered) name no icon, so the browser asks for /favicon.ico.
      if (res.status() >= 400 && !expected(res.url()))
        pageErrors.push(`${res.status()} ${res.request().method()} ${res.url()}`);
    });
    const authorizeRequests: URL[] = [];
    page.on('request', (req: Request) => {
      const url = new URL(req.url());
      if (url.pathname.startsWith('/o/authorize')) authorizeRequests.push(url);
    });

    check(
      'the portal shell is served with a strict CSP and no inline code but the hashed import map',
      async () => {
        for (const path of ['/', '/portal/', '/clients/jhe-admin/', '/auth/callback', '/auth/login/']) {
          const response = await fetch(`${siteUrl}${path}`);
          assert(response.status === 200, `${path}: status ${response.status}`);
          const csp = response.headers.get('content-security-policy') ?? '';
          assert(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'(;|$)/.test(csp), `${path}: CSP is "${csp}"`);
          assert(
            !csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'),
            `${path}: CSP allows inline code`,
          );
          const body = await response.text();
          const inline = [...body.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1] ?? '');
          assert(
            inline.length === 1 && inline[0]?.includes('type="importmap"'),
            `${path}: inline scripts other than the import map: ${JSON.stringify(inline)}`,
          );
          assert(!/\son[a-z]+=/i.test(body), `${path}: inline event handler attribute`);
        }
        const missing = await fetch(`${siteUrl}/portal/no-such-module.js`);
        assert(missing.status === 404, `a missing portal file answers ${missing.status}`);
      },
    );

    check('/ signs mary in through the login form and lands on the organizations page', async () => {
      await page.goto(`${siteUrl}/`);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      await page.screenshot({ path: join(RESULTS, 'portal-home.png') });
      await signInThroughForm(page, 'mary@example.com');
      await page.waitForURL(`${siteUrl}/portal/organizations`);
      await page.getByRole('heading', { name: 'Organizations' }).waitFor();
      await page.getByRole('link', { name: BIDS }).waitFor();
      await page.getByText('mary@example.com').waitFor();
      await page.screenshot({ path: join(RESULTS, 'portal-organizations.png'), fullPage: true });
    });

    check('oidc-client-ts used authorization code + PKCE S256 with the portal client', async () => {
      const first = authorizeRequests[0];
      assert(first, 'no /o/authorize/ request was seen');
      const params = first.searchParams;
      assert(params.get('response_type') === 'code', `response_type=${params.get('response_type')}`);
      assert(
        params.get('code_challenge_method') === 'S256',
        `code_challenge_method=${params.get('code_challenge_method')}`,
      );
      assert(
        /^[A-Za-z0-9_-]{43}$/.test(params.get('code_challenge') ?? ''),
        'code_challenge is not an S256 value',
      );
      assert(
        params.get('redirect_uri') === `${siteUrl}/auth/callback`,
        `redirect_uri=${params.get('redirect_uri')}`,
      );
      assert(params.get('state'), 'no state parameter');
    });

    check('BIDS shows its studies and practitioners', async () => {
      await page.getByRole('link', { name: BIDS }).click();
      await page.waitForURL(`${siteUrl}/portal/organizations/20003`);
      await page.getByRole('heading', { name: BIDS }).waitFor();
      await page.getByRole('link', { name: 'BIDS Study on BP & HR' }).waitFor();
      await page.getByRole('link', { name: 'BIDS Study on BP', exact: true }).waitFor();
      await page.getByRole('cell', { name: 'megan@example.com' }).waitFor();
      await page.getByRole('form', { name: 'Add practitioner' }).waitFor();
      await page.screenshot({ path: join(RESULTS, 'portal-bids.png'), fullPage: true });
    });

    check('a study lists its enrolled patients, data types and data sources', async () => {
      await page.getByRole('link', { name: 'BIDS Study on BP & HR' }).click();
      await page.waitForURL(`${siteUrl}/portal/studies/30001`);
      await page.getByRole('link', { name: 'Peter ThePatient' }).waitFor();
      await page.getByText('Blood pressure', { exact: false }).first().waitFor();
      await page.getByText('CareX').first().waitFor();
    });

    check("a patient's invitation link is shown", async () => {
      await page.getByRole('link', { name: 'Patients', exact: true }).click();
      await page.waitForURL(/\/portal\/patients/);
      await page.getByRole('cell', { name: 'peter@example.com' }).waitFor();
      const row = page.getByRole('row').filter({ hasText: 'peter@example.com' });
      await row.getByRole('button', { name: 'Invitation link' }).click();
      const link = row.getByRole('textbox', { name: /Invitation link for Peter/ });
      await link.waitFor();
      const value = await link.inputValue();
      assert(value.startsWith('https://play.google.com/store/apps/details?'), `unexpected link ${value}`);
      await page.screenshot({ path: join(RESULTS, 'portal-invitation.png'), fullPage: true });
    });

    check("a patient's consents and the observations list render", async () => {
      await page.getByRole('link', { name: 'Peter ThePatient' }).click();
      await page.waitForURL(`${siteUrl}/portal/patients/40001`);
      await page.getByRole('heading', { name: 'Consents' }).waitFor();
      await page.getByText('consented').first().waitFor();
      await page.getByText('pending').first().waitFor();
      await page.screenshot({ path: join(RESULTS, 'portal-patient.png'), fullPage: true });
      await page.getByRole('button', { name: 'Invitation link' }).waitFor();
      await page.getByRole('link', { name: 'Observations of this patient' }).click();
      await page.waitForURL(`${siteUrl}/portal/observations?patientId=40001`);
      await page.getByRole('heading', { name: 'Observations' }).waitFor();
      // F.11: Peter's blood pressure and heart rate, both consented for study 30001 (E.5).
      await page.getByText('2 observations').waitFor();
      await page.getByRole('cell', { name: /systolic blood pressure/ }).waitFor();
      await page.screenshot({ path: join(RESULTS, 'portal-observations.png'), fullPage: true });
    });

    check('data sources and data types are listed, with no superuser forms for mary', async () => {
      await page.getByRole('link', { name: 'Data sources', exact: true }).click();
      await page.getByRole('cell', { name: 'CareX' }).waitFor();
      await page.getByRole('cell', { name: 'omh:blood-pressure:4.0' }).waitFor();
      assert(
        (await page.getByRole('form', { name: 'New data source' }).count()) === 0,
        'mary sees the SU form',
      );
    });

    check('an API error is shown on the page (a study of another organization)', async () => {
      expectedFailures.add('/api/v1/studies/30004');
      await page.goto(`${siteUrl}/portal/studies/30004`);
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert((await alert.innerText()).length > 0, 'empty error message');
      await page.screenshot({ path: join(RESULTS, 'portal-error.png') });
    });

    check('sign out ends the session: / shows the sign-in page again', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${siteUrl}/`);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      const stored = await page.evaluate(() =>
        Object.keys(sessionStorage).filter((k) => k.startsWith('oidc.user')),
      );
      assert(stored.length === 0, `tokens left in sessionStorage: ${stored.join(', ')}`);
      // The server session is gone too: signing in asks for the password again.
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/accounts\/login\//);
    });

    check('superuser sam creates a top-level organization, a data source and a data type', async () => {
      await page.locator('input[name="username"]').fill('sam@example.com');
      await page.locator('input[name="password"]').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${siteUrl}/portal/organizations`);
      const orgForm = page.getByRole('form', { name: 'New organization' });
      await orgForm.getByLabel('Name').fill('Portal Test Institute');
      await orgForm.getByLabel('Part of').selectOption({ label: '(top level)' });
      await orgForm.getByRole('button', { name: 'Create organization' }).click();
      await page.getByRole('heading', { name: /Portal Test Institute/ }).waitFor();
      await page.getByText('No studies in this organization.').waitFor();

      await page.getByRole('link', { name: 'Data sources', exact: true }).click();
      const sourceForm = page.getByRole('form', { name: 'New data source' });
      await sourceForm.getByLabel('Name').fill('Portal Test Watch');
      await sourceForm.getByRole('button', { name: 'Create data source' }).click();
      await page.getByRole('cell', { name: 'Portal Test Watch' }).waitFor();
      const typeForm = page.getByRole('form', { name: 'New data type' });
      await typeForm.getByLabel('Coding system').fill('http://loinc.org');
      await typeForm.getByLabel('Code').fill('8867-4');
      await typeForm.getByLabel('Name').fill('Heart rate (LOINC)');
      await typeForm.getByRole('button', { name: 'Create data type' }).click();
      await page.getByRole('cell', { name: '8867-4' }).waitFor();
      // A duplicate is refused by the server and the message is shown (API.md A.7).
      expectedFailures.add('/api/v1/data_sources/all_scopes');
      await typeForm.getByLabel('Coding system').fill('http://loinc.org');
      await typeForm.getByLabel('Code').fill('8867-4');
      await typeForm.getByLabel('Name').fill('Heart rate again');
      await typeForm.getByRole('button', { name: 'Create data type' }).click();
      await typeForm.getByRole('alert').waitFor();
      await page.screenshot({ path: join(RESULTS, 'portal-data-sources-superuser.png'), fullPage: true });
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${siteUrl}/`);
    });

    check('signup with invite code jhe lands on the portal', async () => {
      const email = `portal-${randomBytes(4).toString('hex')}@example.com`;
      await page.goto(`${siteUrl}/`);
      await page.getByRole('link', { name: 'Create an account' }).click();
      await page.waitForURL(/\/accounts\/signup\//);
      await page.locator('input[name="email"]').fill(email);
      await page.locator('input[name="password"]').fill(PASSWORD);
      await page.locator('input[name="password2"]').fill(PASSWORD);
      await page.locator('input[name="joincode"]').fill('jhe');
      await page.getByRole('button', { name: 'Sign up' }).click();
      await page.waitForURL(`${siteUrl}/portal/organizations`);
      await page.getByRole('heading', { name: 'Organizations' }).waitFor();
      await page.getByText(email).waitFor();
      await page.screenshot({ path: join(RESULTS, 'portal-signup.png'), fullPage: true });
      await page.getByRole('link', { name: 'Patients', exact: true }).click();
      await page.getByText('You are not a member of any organization yet.').waitFor();
    });

    check('no script errors and no failed requests on any page', async () => {
      assert(pageErrors.length === 0, `page errors:\n${pageErrors.join('\n')}`);
    });

    let passed = 0;
    let failed = 0;
    for (const { name, run } of checks) {
      try {
        await run();
        passed += 1;
        console.info(`ok   ${name}`);
      } catch (err) {
        failed += 1;
        console.error(`FAIL ${name}\n     ${err instanceof Error ? err.message : String(err)}`);
        await page
          .screenshot({ path: join(RESULTS, 'portal-failure.png'), fullPage: true })
          .catch(() => undefined);
      }
    }
    console.info(`${passed} passed, ${failed} failed`);
    return failed === 0 ? 0 : 1;
  } finally {
    await browser?.close();
    if (worker) stopProcess(worker);
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    console.info('0 passed, 1 failed');
    process.exit(1);
  },
);
