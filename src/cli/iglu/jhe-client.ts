/**
 * A small HTTP client of the Exchange as scripts use it: the programmatic practitioner login
 * (API.md B.7), the admin calls a study setup needs (C.3, C.5, C.3.1), and patient tokens through
 * invitations (B.8.2). Only `fetch`: no node imports, so the benchmark reuses it as is.
 */
import { base64url } from '../../lib/encoding';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly url: string,
    readonly body: string,
  ) {
    super(`${method} ${url} -> ${status}: ${body.slice(0, 400)}`);
  }
}

/** Cookies of one host, as a `requests.Session` keeps them. */
class CookieJar {
  private readonly values = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /;\s*Max-Age=0\b/i.test(line)) this.values.delete(name);
      else this.values.set(name, value);
    }
  }

  header(): string {
    return [...this.values].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

async function jarFetch(url: string, jar: CookieJar, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.header();
  if (cookie !== '') headers.set('Cookie', cookie);
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.store(res);
  return res;
}

async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { verifier, challenge: base64url(new Uint8Array(digest)) };
}

async function tokenRequest(origin: string, fields: Record<string, string>): Promise<string> {
  const url = `${origin}/o/token/`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  const text = await res.text();
  if (!res.ok) throw new HttpError(res.status, 'POST', url, text);
  const token = (JSON.parse(text) as { access_token?: unknown }).access_token;
  if (typeof token !== 'string') throw new Error(`no access_token from ${url}`);
  return token;
}

/**
 * API.md B.7: GET the login form and scrape `csrfmiddlewaretoken`, POST it with the session cookie,
 * authorize the portal client (its id from `/common/server-settings.js`) with PKCE following
 * redirects until the callback URL carries `code`, then exchange the code. Returns an access token.
 */
export async function practitionerLogin(origin: string, email: string, password: string): Promise<string> {
  const jar = new CookieJar();
  const loginUrl = `${origin}/accounts/login/`;
  const form = await jarFetch(loginUrl, jar);
  const csrf = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!csrf) throw new Error(`no csrfmiddlewaretoken on ${loginUrl} (status ${form.status})`);
  const login = await jarFetch(loginUrl, jar, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrfmiddlewaretoken: csrf, username: email, password, next: '/' }),
  });
  if (login.status !== 302)
    throw new Error(`login of ${email} failed (status ${login.status}): check the password`);

  const settings = await (await fetch(`${origin}/common/server-settings.js`)).text();
  const clientId = /"client_id":"([^"]+)"/.exec(settings)?.[1];
  if (!clientId) throw new Error('no client_id in /common/server-settings.js');
  const redirectUri = `${origin}/auth/callback`;
  const { verifier, challenge } = await pkcePair();
  let url = new URL(
    `${origin}/o/authorize/?${new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'openid',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })}`,
  );
  for (let hop = 0; hop < 10 && !url.searchParams.has('code'); hop++) {
    const res = await jarFetch(url.href, jar);
    const location = res.headers.get('Location');
    if (res.status < 300 || res.status >= 400 || location === null)
      throw new Error(`authorize stopped at ${url.href} with status ${res.status}`);
    url = new URL(location, url);
  }
  const code = url.searchParams.get('code');
  if (!code) throw new Error('authorize gave no code');
  return tokenRequest(origin, {
    code,
    grant_type: 'authorization_code',
    redirect_uri: redirectUri,
    client_id: clientId,
    code_verifier: verifier,
  });
}

type Json = Record<string, unknown>;

/** A request body that is already JSON text (sent as is, not serialized again). */
export class RawJson {
  constructor(readonly text: string) {}
}

const backoff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));

/** Authenticated JSON calls; non-2xx answers throw HttpError unless listed in `accept`. */
export class JheApi {
  constructor(
    readonly origin: string,
    readonly token: string,
  ) {}

  /**
   * `retries`: only for idempotent requests (GETs, conditional creates) — a lost connection or a
   * 502/503 (e.g. `wrangler dev` reloading after a source change) is retried with backoff.
   */
  async call<T = Json>(
    method: string,
    path: string,
    body?: unknown,
    accept: readonly number[] = [],
    { retries = 0 }: { retries?: number } = {},
  ): Promise<{ status: number; json: T }> {
    const url = `${this.origin}${path}`;
    const init: RequestInit = {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
      },
      ...(body !== undefined && { body: body instanceof RawJson ? body.text : JSON.stringify(body) }),
    };
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, init);
      } catch (err) {
        if (attempt >= retries) throw err;
        await backoff(attempt);
        continue;
      }
      const text = await res.text();
      if ((res.status === 502 || res.status === 503) && attempt < retries) {
        await backoff(attempt);
        continue;
      }
      if (!res.ok && !accept.includes(res.status)) throw new HttpError(res.status, method, url, text);
      return { status: res.status, json: (text === '' ? {} : JSON.parse(text)) as T };
    }
  }
}

export interface StudySpec {
  name: string;
  description: string;
  organizationId: number;
  dataSourceId: number;
  scopeCodeId: number;
}

/** Find the study by name in its organization, else create it; link the data source and scope (409 = already). */
export async function ensureStudy(api: JheApi, spec: StudySpec): Promise<{ id: number; created: boolean }> {
  let id: number | undefined;
  let created = false;
  let path: string | null = `/api/v1/studies?organization_id=${spec.organizationId}&page_size=100`;
  while (path !== null && id === undefined) {
    const { json }: { json: { results: { id: number; name: string }[]; next: string | null } } =
      await api.call('GET', path);
    id = json.results.find((s) => s.name === spec.name)?.id;
    path = json.next === null ? null : json.next.slice(new URL(json.next).origin.length);
  }
  if (id === undefined) {
    const { json } = await api.call<{ id: number }>('POST', '/api/v1/studies', {
      name: spec.name,
      description: spec.description,
      organization: spec.organizationId,
    });
    id = json.id;
    created = true;
  }
  await api.call('POST', `/api/v1/studies/${id}/data_sources`, { dataSourceId: spec.dataSourceId }, [409]);
  await api.call('POST', `/api/v1/studies/${id}/scope_requests`, { scopeCodeId: spec.scopeCodeId }, [409]);
  return { id, created };
}

export interface PatientSpec {
  organizationId: number;
  email: string;
  nameFamily: string;
  nameGiven: string;
  birthDate: string;
  identifier: { system: string; value: string };
}

/** Find the patient by e-mail (C.3 global_lookup), else create them. */
export async function ensurePatient(
  api: JheApi,
  spec: PatientSpec,
): Promise<{ id: number; created: boolean }> {
  const { json: found } = await api.call<{ id: number }[]>(
    'GET',
    `/api/v1/patients/global_lookup?email=${encodeURIComponent(spec.email)}`,
  );
  const existing = found[0];
  if (existing) return { id: existing.id, created: false };
  const { json } = await api.call<{ id: number }>('POST', '/api/v1/patients', {
    organizationId: spec.organizationId,
    telecomEmail: spec.email,
    nameFamily: spec.nameFamily,
    nameGiven: spec.nameGiven,
    birthDate: spec.birthDate,
    identifiers: [spec.identifier],
  });
  return { id: json.id, created: true };
}

/**
 * A patient token as the patient app gets it (B.8.2): the practitioner creates an invitation for
 * the app, the app redeems its token for a grant and exchanges it with
 * `code_verifier = base64url(token)` without padding.
 */
export async function patientToken(api: JheApi, patientId: number, clientPk: number): Promise<string> {
  const { json: invitation } = await api.call<{ token: string }>('POST', '/api/v1/invitation', {
    patient_id: patientId,
    client_id: clientPk,
  });
  const redeemUrl = `${api.origin}/api/v1/invitation/${invitation.token}`;
  const res = await fetch(redeemUrl, { method: 'POST' });
  const text = await res.text();
  if (!res.ok) throw new HttpError(res.status, 'POST', redeemUrl, text);
  const { grant } = JSON.parse(text) as {
    grant: { grant_type: string; redirect_uri: string; client_id: string; code: string };
  };
  return tokenRequest(api.origin, { ...grant, code_verifier: btoa(invitation.token).replace(/=/g, '') });
}

/** The patient consents to `code` for the study (C.3.1); 409 = the consent exists already. */
export async function consentTo(
  patientApi: JheApi,
  patientId: number,
  studyId: number,
  code: { system: string; code: string },
): Promise<boolean> {
  const { status } = await patientApi.call(
    'POST',
    `/api/v1/patients/${patientId}/consents`,
    {
      studyScopeConsents: [
        { studyId, scopeConsents: [{ codingSystem: code.system, codingCode: code.code, consented: true }] },
      ],
    },
    [409],
  );
  return status !== 409;
}
