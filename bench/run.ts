/**
 * `npm run bench`: start the Worker in workerd on a fresh temporary D1 (wrangler's
 * `unstable_startWorker`, file watching off), run each workload against it over HTTP, and pair
 * every figure with a baseline measured in the same run (absolute times drift on shared machines).
 * Prints one JSON line per figure, then a table; writes bench/results/<time>.json.
 * Options: --quick (growth stops at 100k), --skip-growth.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { unstable_startWorker } from 'wrangler';
import { practitionerLogin, JheApi } from '../src/cli/iglu/jhe-client';
import {
  IGLU_STUDY,
  pool,
  prepareBundles,
  readStudyObservations,
  sendBundles,
  setUpStudy,
  type StudySetup,
} from '../src/cli/iglu/load';
import {
  glucoseDataPoint,
  groupBySubject,
  parseReadings,
  READING_SYSTEM,
  readingIdentifier,
  readingUuid,
  type Reading,
} from '../src/cli/iglu/readings';
import { DEMO_PASSWORD } from '../src/domain/seed/seed-data';
import type { RawRow } from './bench-worker';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'skip-growth': { type: 'boolean', default: false },
  },
});

const CONCURRENCY = 4;
const BUNDLE_SIZE = 500;
const PAGE_SIZE = 1000;
const GLUCOSE_SCOPE_ID = 50001;
const WRANGLER = join('node_modules', '.bin', 'wrangler');
const RAW_SYSTEM = `${READING_SYSTEM}#raw-baseline`;

interface Figure {
  figure: string;
  value: number;
  unit: string;
  baseline: number | null;
  baselineLabel: string;
  ratio: number | null;
  target: string;
  met: boolean | null;
  details?: Record<string, unknown>;
}

const figures: Figure[] = [];
function report(figure: Figure): void {
  figures.push(figure);
  console.info(JSON.stringify(figure));
}

const round = (n: number, digits = 0) => Number(n.toFixed(digits));
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}
const median = (values: readonly number[]) => percentile(values, 50);
const log = (message: string) => console.error(`[bench] ${message}`);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function firstResponse(origin: string, path: string, deadline = 60_000): Promise<void> {
  const until = performance.now() + deadline;
  for (;;) {
    try {
      const res = await fetch(`${origin}${path}`);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (performance.now() > until) throw new Error(`${origin}${path} did not answer`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

type StartedWorker = Awaited<ReturnType<typeof unstable_startWorker>>;

/** Start a Worker in workerd; returns it with the time from the call to its first 200. */
async function start(
  entrypoint: string,
  options: { persist?: string; bindings?: Record<string, string>; config?: string },
): Promise<{ worker: StartedWorker; origin: string; firstResponseMs: number }> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const worker = await unstable_startWorker({
    ...(options.config ? { config: options.config } : { compatibilityDate: '2026-08-01' }),
    entrypoint,
    bindings: Object.fromEntries(
      Object.entries({ SITE_URL: origin, ...options.bindings }).map(([name, value]) => [
        name,
        { type: 'plain_text', value },
      ]),
    ),
    dev: {
      server: { hostname: '127.0.0.1', port },
      inspector: false,
      watch: false,
      logLevel: 'warn',
      ...(options.persist && { persist: options.persist }),
    },
  });
  await worker.ready;
  await firstResponse(origin, options.config ? '/health' : '/');
  return { worker, origin, firstResponseMs: performance.now() - started };
}

async function benchJson<T>(origin: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${origin}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body !== undefined && {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path} -> ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/** Requests per second of `url` with `concurrency` clients for `seconds`. */
async function requestRate(
  url: string,
  headers: HeadersInit,
  seconds: number,
  concurrency = 8,
): Promise<number> {
  let n = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const res = await fetch(url, { headers });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`${url} -> ${res.status}`);
        n++;
      }
    }),
  );
  return n / ((performance.now() - started) / 1000);
}

// ---------------------------------------------------------------------------------------------

function machine() {
  const cpu = cpus();
  return {
    cpu: `${cpu.length} × ${cpu[0]?.model ?? 'unknown'}`,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Cold start: the deployable bundle's gzip size, startup CPU profile, time to first response vs a hello-world Worker. */
async function coldStart(appFirstResponseMs: number): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'jhe-bundle-'));
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' };
  const build = spawnSync(WRANGLER, ['deploy', '--dry-run', '--outdir', out], { encoding: 'utf8', env });
  if (build.status !== 0) throw new Error(`wrangler deploy --dry-run failed: ${build.stderr}`);
  let raw = 0;
  let gzip = 0;
  for (const file of readdirSync(out, { recursive: true, encoding: 'utf8' })) {
    if (!/\.(m?js|wasm)$/.test(file)) continue;
    const bytes = readFileSync(join(out, file));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  rmSync(out, { recursive: true, force: true });
  report({
    figure: 'cold start: bundle size (gzip)',
    value: round(gzip / 1024),
    unit: 'KiB',
    baseline: 1024,
    baselineLabel: 'target 1 MiB',
    ratio: round(gzip / 2 ** 20, 2),
    target: '≤ 1 MiB gzip',
    met: gzip <= 2 ** 20,
    details: { rawKiB: round(raw / 1024) },
  });

  const hello = await start('bench/hello-worker.ts', {});
  await hello.worker.dispose();
  report({
    figure: 'cold start: time to first response',
    value: round(appFirstResponseMs),
    unit: 'ms (start → first 200, incl. bundling)',
    baseline: round(hello.firstResponseMs),
    baselineLabel: 'hello-world Worker, same way',
    ratio: round(appFirstResponseMs / hello.firstResponseMs, 2),
    target: 'reported',
    met: null,
  });

  const profileFile = join(tmpdir(), `jhe-startup-${process.pid}.cpuprofile`);
  const check = spawnSync(WRANGLER, ['check', 'startup', '--outfile', profileFile], {
    encoding: 'utf8',
    env,
  });
  if (check.status === 0) {
    const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as { startTime: number; endTime: number };
    rmSync(profileFile, { force: true });
    report({
      figure: 'cold start: startup CPU profile',
      value: round((profile.endTime - profile.startTime) / 1000, 1),
      unit: 'ms (wrangler check startup)',
      baseline: 1000,
      baselineLabel: 'Workers startup limit 1 s',
      ratio: round((profile.endTime - profile.startTime) / 1e6, 3),
      target: 'reported',
      met: null,
    });
  } else log(`wrangler check startup failed, skipped: ${check.stderr.slice(0, 300)}`);
}

/** Auth overhead: authenticated profile reads vs the public health check. */
async function authOverhead(origin: string, token: string): Promise<void> {
  const auth = { Authorization: `Bearer ${token}` };
  await requestRate(`${origin}/health`, {}, 1);
  await requestRate(`${origin}/api/v1/users/profile`, auth, 1);
  // Interleaved rounds so drift hits both sides alike.
  const health: number[] = [];
  const profile: number[] = [];
  const bearer: number[] = [];
  for (let round = 0; round < 3; round++) {
    health.push(await requestRate(`${origin}/health`, {}, 2));
    profile.push(await requestRate(`${origin}/api/v1/users/profile`, auth, 2));
    bearer.push(await requestRate(`${origin}/__bench/auth-only`, auth, 2));
  }
  const h = median(health);
  const p = median(profile);
  const b = median(bearer);
  report({
    figure: 'auth: GET /api/v1/users/profile',
    value: round(p),
    unit: 'requests/s (8 clients)',
    baseline: round(h),
    baselineLabel: 'GET /health requests/s',
    ratio: round(p / h, 2),
    target: 'ratio ≥ 0.8',
    met: p / h >= 0.8,
    details: { bearerCheckOnlyPerSecond: round(b), bearerOnlyVsHealth: round(b / h, 2) },
  });
}

async function rawRows(readings: readonly Reading[], setup: StudySetup): Promise<RawRow[][]> {
  const bySubject = new Map(setup.patients.map((p) => [p.subject, p.patientId]));
  const chunks: RawRow[][] = [];
  for (const [subject, group] of groupBySubject(readings)) {
    const patientId = bySubject.get(subject) ?? 0;
    for (let i = 0; i < group.length; i += BUNDLE_SIZE) {
      chunks.push(
        await Promise.all(
          group.slice(i, i + BUNDLE_SIZE).map(async (r) => ({
            patientId,
            scopeCodeId: GLUCOSE_SCOPE_ID,
            dataSourceId: IGLU_STUDY.dataSourceId,
            omhData: JSON.stringify(glucoseDataPoint(r, await readingUuid(r))),
            effectiveStart: r.time,
            identifier: { system: RAW_SYSTEM, value: readingIdentifier(r) },
          })),
        ),
      );
    }
  }
  return chunks;
}

/** Ingest: the iglu readings through FHIR batch vs the same rows inserted raw inside the Worker. */
async function ingest(origin: string, readings: readonly Reading[], setup: StudySetup): Promise<void> {
  const chunks = await rawRows(readings, setup);
  const bundles = await prepareBundles(readings, setup, BUNDLE_SIZE);

  let started = performance.now();
  await pool(chunks, CONCURRENCY, (rows) => benchJson(origin, '/__bench/raw-insert', { rows }));
  const rawSeconds = (performance.now() - started) / 1000;
  const { deleted } = await benchJson<{ deleted: number }>(origin, '/__bench/raw-delete', {
    system: RAW_SYSTEM,
  });
  // `changes` counts the cascaded identifier rows too.
  if (deleted < readings.length)
    throw new Error(`raw baseline deleted ${deleted} rows for ${readings.length}`);

  started = performance.now();
  const counts = await sendBundles(origin, bundles, { concurrency: CONCURRENCY });
  const apiSeconds = (performance.now() - started) / 1000;
  if (counts.created !== readings.length)
    throw new Error(
      `API ingest created ${counts.created} of ${readings.length}: ${counts.failures.join('; ')}`,
    );

  started = performance.now();
  const again = await sendBundles(origin, bundles, { concurrency: CONCURRENCY });
  const rerunSeconds = (performance.now() - started) / 1000;

  const api = readings.length / apiSeconds;
  const raw = readings.length / rawSeconds;
  report({
    figure: 'ingest: FHIR batch',
    value: round(api),
    unit: `observations/s (${BUNDLE_SIZE}/Bundle, ${CONCURRENCY} clients)`,
    baseline: round(raw),
    baselineLabel: 'raw multi-row INSERT in the Worker, obs/s',
    ratio: round(api / raw, 2),
    target: '≥ 5000 obs/s and ratio ≥ 0.5',
    met: api >= 5000 && api / raw >= 0.5,
    details: {
      observations: readings.length,
      apiSeconds: round(apiSeconds, 2),
      rawSeconds: round(rawSeconds, 2),
      rerunAllExistingPerSecond: round(readings.length / rerunSeconds),
      rerunExisting: again.existing,
    },
  });
}

async function rawReadAll(origin: string, studyId: number): Promise<{ rows: number; pageMs: number[] }> {
  const pageMs: number[] = [];
  let rows = 0;
  let after: string | null = null;
  do {
    const started = performance.now();
    const page: { rows: unknown[]; next: string | null } = await benchJson(
      origin,
      `/__bench/raw-read?study=${studyId}&limit=${PAGE_SIZE}${after ? `&after=${encodeURIComponent(after)}` : ''}`,
    );
    pageMs.push(performance.now() - started);
    rows += page.rows.length;
    after = page.next;
  } while (after !== null);
  return { rows, pageMs };
}

/** Read: one study through FHIR paging as the notebook client does vs raw keyset SELECTs. */
async function read(origin: string, token: string, studyId: number, expected: number) {
  await pageLatency(origin, token, studyId, 2); // warm the code paths
  let started = performance.now();
  const raw = await rawReadAll(origin, studyId);
  const rawSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const api = await readStudyObservations(origin, token, studyId, { count: PAGE_SIZE });
  const apiSeconds = (performance.now() - started) / 1000;
  if (api.ids.size !== expected) throw new Error(`FHIR paging returned ${api.ids.size} of ${expected}`);
  const apiRate = api.ids.size / apiSeconds;
  const rawRate = raw.rows / rawSeconds;
  const p95 = percentile(api.pageMs, 95);
  report({
    figure: 'read: FHIR search paging',
    value: round(apiRate),
    unit: `observations/s (_count=${PAGE_SIZE}, next links)`,
    baseline: round(rawRate),
    baselineLabel: 'raw keyset SELECT in the Worker, obs/s',
    ratio: round(apiRate / rawRate, 2),
    target: '≥ 20000 obs/s and ratio ≥ 0.5',
    met: apiRate >= 20000 && apiRate / rawRate >= 0.5,
    details: { observations: api.ids.size, pages: api.pageMs.length },
  });
  report({
    figure: 'read: page latency p50 / p95',
    value: round(p95, 1),
    unit: `ms p95 per page of ${PAGE_SIZE} (p50 ${round(median(api.pageMs), 1)})`,
    baseline: round(percentile(raw.pageMs, 95), 1),
    baselineLabel: `raw keyset page p95 ms (p50 ${round(median(raw.pageMs), 1)})`,
    ratio: round(p95 / percentile(raw.pageMs, 95), 2),
    target: 'p95 ≤ 100 ms',
    met: p95 <= 100,
    details: { firstPageMs: round(api.pageMs[0] ?? NaN, 1) },
  });
  return api.pageMs;
}

/** Page latency of a study: the first page (with its total) and the median of the next few cursor pages. */
async function pageLatency(origin: string, token: string, studyId: number, pages = 6) {
  const ms: number[] = [];
  let url: string | undefined =
    `${origin}/FHIR/R5/Observation?patient._has:Group:member:_id=${studyId}&_count=${PAGE_SIZE}`;
  while (url !== undefined && ms.length < pages) {
    const started = performance.now();
    const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    const bundle = (await res.json()) as { link?: { relation: string; url: string }[] };
    if (!res.ok) throw new Error(`${url} -> ${res.status}`);
    ms.push(performance.now() - started);
    url = bundle.link?.find((l) => l.relation === 'next')?.url;
  }
  const [first = NaN, ...rest] = ms;
  return { firstMs: first, cursorMs: median(rest) };
}

/** Growth: page latency of a study as it (and the database) grows from 10k to 1M observations. */
async function growth(origin: string, practitioner: JheApi, igluStudyId: number, igluPageMs: number[]) {
  const subjects = Array.from({ length: 20 }, (_, i) => `growth-${String(i + 1).padStart(2, '0')}`);
  const setup = await setUpStudy(practitioner, subjects, {
    study: {
      ...IGLU_STUDY,
      name: 'bench growth',
      description: 'Synthetic glucose readings for npm run bench.',
    },
  });
  const patientIds = setup.patients.map((p) => p.patientId);
  const levels = args.quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
  const results: {
    level: number;
    dbObservations: number;
    firstMs: number;
    cursorMs: number;
    generateMs: number;
  }[] = [];
  let generated = 0;
  for (const level of levels) {
    let generateMs = 0;
    while (generated < level) {
      const count = Math.min(100_000, level - generated);
      const res = await benchJson<{ ms: number }>(origin, '/__bench/generate', {
        patientIds,
        count,
        offset: generated,
      });
      generateMs += res.ms;
      generated += count;
    }
    const { observations } = await benchJson<{ observations: number }>(origin, '/__bench/counts');
    await pageLatency(origin, practitioner.token, setup.studyId, 2); // warm
    const latency = await pageLatency(origin, practitioner.token, setup.studyId);
    results.push({ level, dbObservations: observations, generateMs, ...latency });
    log(
      `growth ${level}: db ${observations} obs, generated in ${generateMs} ms, first page ${round(latency.firstMs)} ms, cursor page p50 ${round(latency.cursorMs)} ms`,
    );
  }
  const small = results[0];
  const large = results.at(-1);
  if (!small || !large) return;
  report({
    figure: `growth: cursor page, study of ${large.level / 1000}k vs 10k`,
    value: round(large.cursorMs, 1),
    unit: `ms per page of ${PAGE_SIZE} (p50)`,
    baseline: round(small.cursorMs, 1),
    baselineLabel: 'same page at 10k',
    ratio: round(large.cursorMs / small.cursorMs, 2),
    target: 'ratio ≤ 1.5',
    met: large.cursorMs / small.cursorMs <= 1.5,
    details: { levels: results },
  });
  report({
    figure: `growth: first page (with total), study of ${large.level / 1000}k vs 10k`,
    value: round(large.firstMs, 1),
    unit: `ms`,
    baseline: round(small.firstMs, 1),
    baselineLabel: 'same page at 10k',
    ratio: round(large.firstMs / small.firstMs, 2),
    target: 'reported (counts all matches)',
    met: null,
  });
  const iglu = await pageLatency(origin, practitioner.token, igluStudyId, 11);
  const before = median(igluPageMs.slice(1));
  report({
    figure: `growth: iglu study cursor page, db of ${round(large.dbObservations / 1000)}k vs 35k`,
    value: round(iglu.cursorMs, 1),
    unit: 'ms per page (p50), same study, other data grew',
    baseline: round(before, 1),
    baselineLabel: 'same study before growth (read workload)',
    ratio: round(iglu.cursorMs / before, 2),
    target: 'ratio ≤ 1.5',
    met: iglu.cursorMs / before <= 1.5,
  });
}

function table(): string {
  const rows = figures.map((f) => [
    f.figure,
    `${f.value} ${f.unit}`,
    f.baseline === null ? '' : `${f.baseline} (${f.baselineLabel})`,
    f.ratio === null ? '' : String(f.ratio),
    f.target,
    f.met === null ? '' : f.met ? 'yes' : 'NO',
  ]);
  const header = ['figure', 'value', 'baseline', 'ratio', 'target', 'met'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------

const benchStarted = performance.now();
const persist = mkdtempSync(join(tmpdir(), 'jhe-bench-'));
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
log(`machine: ${JSON.stringify(machine())}; database: ${persist}`);
const app = await start('bench/bench-worker.ts', {
  config: 'wrangler.toml',
  persist,
  // Request logging off: console output of a local workerd goes through wrangler's pipe (noted in BENCHMARKS.md).
  bindings: {
    OIDC_RSA_PRIVATE_KEY: privateKey,
    SECRET_KEY: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'warn',
  },
});
// Ctrl-C: stop workerd and drop the temporary database rather than leave them behind.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    void app.worker.dispose().finally(() => {
      rmSync(persist, { recursive: true, force: true });
      process.exit(130);
    });
  });
try {
  const { origin } = app;
  const migrations = readdirSync('migrations')
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => readFileSync(join('migrations', f), 'utf8'));
  await benchJson(origin, '/__bench/setup', { migrations, siteUrl: origin });
  log(`worker up at ${origin} in ${round(app.firstResponseMs)} ms; migrated and seeded`);

  await coldStart(app.firstResponseMs);

  const practitioner = new JheApi(origin, await practitionerLogin(origin, 'mary@example.com', DEMO_PASSWORD));
  await authOverhead(origin, practitioner.token);

  const { readings } = parseReadings(readFileSync('bench/data/iglu_example_data_hall.csv', 'utf8'));
  const setup = await setUpStudy(practitioner, [...groupBySubject(readings).keys()]);
  log(`iglu study ${setup.studyId} set up; ingesting ${readings.length} readings`);
  await ingest(origin, readings, setup);
  const igluPageMs = await read(origin, practitioner.token, setup.studyId, readings.length);
  if (!args['skip-growth']) await growth(origin, practitioner, setup.studyId, igluPageMs);

  const summary = {
    machine: machine(),
    at: new Date().toISOString(),
    seconds: round((performance.now() - benchStarted) / 1000),
    figures,
  };
  mkdirSync('bench/results', { recursive: true });
  const file = join('bench/results', `${summary.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  console.info(
    `\n${table()}\n\nMachine: ${summary.machine.cpu}, ${summary.machine.memoryGiB} GiB, Node ${summary.machine.node}. ${summary.seconds} s. Results: ${file}`,
  );
} finally {
  await app.worker.dispose();
  rmSync(persist, { recursive: true, force: true });
}
