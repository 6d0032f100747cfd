/**
 * The benchmark's Worker: the real app, plus `/__bench/*` routes that give each workload its
 * baseline inside the same isolate and D1 (raw inserts, raw keyset reads, bulk generation).
 * Never deployed: bench/run.ts starts it on a fresh temporary database.
 */
import { Hono } from 'hono';
import { createApp } from '../src/app';
import { requireAuth } from '../src/auth';
import { createDb } from '../src/db/client';
import { seedDemo } from '../src/domain/seed/seed';
import type { AppEnv } from '../src/env';

type Env = AppEnv['Bindings'];

const app = createApp();

/** The bearer check alone (the real middleware, no handler work): splits the auth figure. */
const authOnly = new Hono<AppEnv>()
  .use('*', async (c, next) => {
    c.set('db', createDb(c.env.DB));
    await next();
  })
  .get('/__bench/auth-only', requireAuth, (c) => c.json({ ok: true }));

/** D1 binds at most 100 parameters per statement. */
const MAX_PARAMS = 100;

export interface RawRow {
  patientId: number;
  scopeCodeId: number;
  dataSourceId: number;
  omhData: string;
  effectiveStart: string;
  identifier: { system: string; value: string };
}

const json = (value: unknown, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { 'Content-Type': 'application/json' } });

/** Multi-row INSERT statements of `rows`, each under the bound-parameter limit. */
function multiRowInserts(
  db: D1Database,
  head: string,
  rowSql: string,
  rows: unknown[][],
): D1PreparedStatement[] {
  const perRow = rows[0]?.length ?? 1;
  const size = Math.floor(MAX_PARAMS / perRow);
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < rows.length; i += size) {
    const part = rows.slice(i, i + size);
    statements.push(db.prepare(`${head} ${part.map(() => rowSql).join(', ')}`).bind(...part.flat()));
  }
  return statements;
}

/**
 * Apply the migration files (sent by the runner) and seed the demo data (API.md F), as
 * `npm start` does for the local database.
 */
async function setup(request: Request, env: Env): Promise<Response> {
  const { migrations, siteUrl } = (await request.json()) as { migrations: string[]; siteUrl: string };
  for (const file of migrations) {
    const statements = file
      .split('--> statement-breakpoint')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    await env.DB.batch(statements.map((s) => env.DB.prepare(s)));
  }
  const report = await seedDemo(createDb(env.DB), { profile: 'seed', siteUrl });
  return json(report);
}

/**
 * Ingest baseline: the rows the API would store (observations + identifiers) as plain multi-row
 * INSERTs in one atomic batch, identifiers bound to their rows by position like the ingest service.
 */
async function rawInsert(request: Request, env: Env): Promise<Response> {
  const { rows } = (await request.json()) as { rows: RawRow[] };
  const now = new Date().toISOString();
  const n = rows.length;
  const observations = multiRowInserts(
    env.DB,
    `INSERT INTO observations (patient_id, scope_code_id, data_source_id, status, omh_data, effective_start, effective_end, last_updated) VALUES`,
    `(?, ?, ?, 'final', ?, ?, NULL, ?)`,
    rows.map((r) => [r.patientId, r.scopeCodeId, r.dataSourceId, r.omhData, r.effectiveStart, now]),
  );
  const identifiers = multiRowInserts(
    env.DB,
    `INSERT INTO observation_identifiers (observation_id, system, value) VALUES`,
    `((SELECT max(id) FROM observations) - ?, ?, ?)`,
    rows.map((r, k) => [n - 1 - k, r.identifier.system, r.identifier.value]),
  );
  await env.DB.batch([...observations, ...identifiers]);
  return json({ inserted: n });
}

/** Remove what the ingest baseline inserted, so the API ingest starts from the same state. */
async function rawDelete(request: Request, env: Env): Promise<Response> {
  const { system } = (await request.json()) as { system: string };
  // observation_identifiers rows go with their observation (ON DELETE CASCADE).
  const deleted = await env.DB.prepare(
    `DELETE FROM observations WHERE id IN (SELECT observation_id FROM observation_identifiers WHERE system = ?)`,
  )
    .bind(system)
    .run();
  return json({ deleted: deleted.meta.changes });
}

/**
 * Read baseline: one keyset page of a study's observations with their identifiers — the rows a
 * FHIR page carries, without the consent predicate, the FHIR mapping or base64.
 */
async function rawRead(url: URL, env: Env): Promise<Response> {
  const studyId = Number(url.searchParams.get('study'));
  const limit = Number(url.searchParams.get('limit') ?? 1000);
  const after = url.searchParams.get('after');
  const keyset = after ? 'AND (o.last_updated, o.id) < (?3, ?4)' : '';
  const params: (string | number)[] = [
    studyId,
    limit,
    ...(after ? (JSON.parse(after) as [string, number]) : []),
  ];
  const { results } = await env.DB.prepare(
    `SELECT o.id, o.patient_id, o.status, o.omh_data, o.effective_start, o.effective_end, o.last_updated,
            o.data_source_id,
            (SELECT json_group_array(json_object('system', i.system, 'value', i.value))
               FROM observation_identifiers i WHERE i.observation_id = o.id) AS identifiers
       FROM observations o
      WHERE o.patient_id IN (SELECT patient_id FROM study_patients WHERE study_id = ?1) ${keyset}
      ORDER BY o.last_updated DESC, o.id DESC
      LIMIT ?2`,
  )
    .bind(...params)
    .all<{ id: number; last_updated: string }>();
  const last = results.at(-1);
  return json({
    rows: results,
    next: results.length === limit && last ? JSON.stringify([last.last_updated, last.id]) : null,
  });
}

/**
 * Growth: `count` synthetic blood-glucose observations for `patientIds` (round robin, 5 minutes
 * apart from `start`), generated by one recursive-CTE INSERT … SELECT: no HTTP per row.
 */
async function generate(request: Request, env: Env): Promise<Response> {
  const { patientIds, count, offset } = (await request.json()) as {
    patientIds: number[];
    count: number;
    offset: number;
  };
  const started = Date.now();
  const result = await env.DB.prepare(
    `WITH RECURSIVE seq(n) AS (SELECT CAST(?1 AS INTEGER) UNION ALL SELECT n + 1 FROM seq WHERE n < ?1 + ?2 - 1),
          rows AS (
            SELECT n, json_extract(?3, '$[' || (n % json_array_length(?3)) || ']') AS pid,
                   strftime('%Y-%m-%dT%H:%M:%fZ', '2020-01-01T00:00:00Z', '+' || (n * 300) || ' seconds') AS t,
                   70 + (n * 37) % 150 AS gl
              FROM seq)
     INSERT INTO observations (patient_id, scope_code_id, data_source_id, status, omh_data, effective_start, effective_end, last_updated)
     SELECT pid, 50001, 70002, 'final',
            json_object('header', json_object('uuid', printf('00000000-0000-4000-8000-%012d', n),
                          'schema_id', json_object('namespace', 'omh', 'name', 'blood-glucose', 'version', '4.0'),
                          'source_creation_date_time', t, 'modality', 'sensed'),
                        'body', json_object('blood_glucose', json_object('value', gl, 'unit', 'mg/dL'),
                          'effective_time_frame', json_object('date_time', t))),
            t, NULL, t
       FROM rows`,
  )
    .bind(offset, count, JSON.stringify(patientIds))
    .run();
  return json({ inserted: result.meta.changes, ms: Date.now() - started });
}

async function counts(env: Env): Promise<Response> {
  const row = await env.DB.prepare(`SELECT count(*) AS observations FROM observations`).first();
  return json(row);
}

async function bench(request: Request, env: Env, url: URL): Promise<Response> {
  switch (`${request.method} ${url.pathname}`) {
    case 'POST /__bench/setup':
      return setup(request, env);
    case 'POST /__bench/raw-insert':
      return rawInsert(request, env);
    case 'POST /__bench/raw-delete':
      return rawDelete(request, env);
    case 'GET /__bench/raw-read':
      return rawRead(url, env);
    case 'POST /__bench/generate':
      return generate(request, env);
    case 'GET /__bench/counts':
      return counts(env);
    case 'GET /__bench/auth-only':
      return authOnly.fetch(request, env);
    default:
      return json({ detail: 'unknown bench route' }, 404);
  }
}

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname.startsWith('/__bench/')) return bench(request, env, url);
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
