/** The `/api/v1` client: bearer token, JSON in and out, errors as readable messages (API.md A.7). */
/* global Event, URLSearchParams, fetch, window -- browser module */
import { currentUser, renew } from './auth.js';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Listeners learn that the session is gone (a 401 that a refresh could not fix). */
export const SIGNED_OUT = 'portal:signed-out';

/** DRF error bodies: `{detail}`, `{error}`, an array of messages, or a field map. */
function messageOf(status, body) {
  if (body && typeof body === 'object') {
    if (typeof body.detail === 'string') return body.detail;
    if (typeof body.error === 'string') return body.error;
    if (Array.isArray(body)) return body.join(' ');
    const fields = Object.entries(body).map(([field, value]) => `${field}: ${[].concat(value).join(' ')}`);
    if (fields.length > 0) return fields.join('; ');
  }
  if (typeof body === 'string' && body.trim() && !body.trimStart().startsWith('<')) return body.slice(0, 300);
  return `The server answered ${status}.`;
}

async function send(method, path, body, token) {
  const headers = { Accept: 'application/json', Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(`/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** One API call; resolves to the decoded JSON (null for 204), rejects with an ApiError. */
export async function request(method, path, body) {
  const user = await currentUser();
  let response = user ? await send(method, path, body, user.access_token) : null;
  if (!response || response.status === 401) {
    const token = await renew();
    if (token) response = await send(method, path, body, token);
  }
  if (!response || response.status === 401) {
    window.dispatchEvent(new Event(SIGNED_OUT));
    throw new ApiError(401, 'Your session has ended. Please sign in again.');
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (!response.ok) throw new ApiError(response.status, messageOf(response.status, data));
  return data;
}

export const api = {
  get: (path) => request('GET', path),
  post: (path, body) => request('POST', path, body ?? {}),
  patch: (path, body) => request('PATCH', path, body ?? {}),
  delete: (path, body) => request('DELETE', path, body),
};

/** A query string from an object, skipping empty values: `query({ page: 2 })` → `?page=2`. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
