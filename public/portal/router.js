/**
 * Path routing under the portal's prefix: `/portal/...` (seed documents) or
 * `/clients/jhe-admin/...` (upstream), whichever the page was opened on (API.md A.1).
 */
/* global Element, Event, URL, URLSearchParams, history, location, window -- browser module */
import { useEffect, useState } from 'preact/hooks';

const PREFIXES = ['/clients/jhe-admin', '/portal'];

/** The prefix links are built on. */
export const base =
  PREFIXES.find((p) => location.pathname === p || location.pathname.startsWith(`${p}/`)) ?? '/portal';

/** A portal URL: `href('/studies/30001', { tab: 'x' })`. Undefined and empty query values are left out. */
export function href(path, query = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return `${base}${path}${search ? `?${search}` : ''}`;
}

const NAVIGATE = 'portal:navigate';

/** Go to a URL of this origin without reloading the page. */
export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.dispatchEvent(new Event(NAVIGATE));
  window.scrollTo(0, 0);
}

/** The current location; re-renders on navigation and on back/forward. */
export function useLocation() {
  const read = () => ({ pathname: location.pathname, query: new URLSearchParams(location.search) });
  const [current, setCurrent] = useState(read);
  useEffect(() => {
    const update = () => setCurrent(read());
    window.addEventListener(NAVIGATE, update);
    window.addEventListener('popstate', update);
    return () => {
      window.removeEventListener(NAVIGATE, update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return current;
}

/** The path inside the portal (`/studies/30001`), or null when the page is outside the prefix. */
export function portalPath(pathname) {
  if (pathname === base) return '/';
  return pathname.startsWith(`${base}/`) ? pathname.slice(base.length) || '/' : null;
}

/**
 * Same-origin links into the portal navigate in place; modified clicks (new tab), downloads
 * and links elsewhere keep the browser's behaviour.
 */
export function interceptLinks(event) {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
  const url = new URL(anchor.href);
  if (url.origin !== location.origin || portalPath(url.pathname) === null) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
}

/** Match a portal path against `[pattern, view]` rows; `:name` segments become params. */
export function matchRoute(routes, path) {
  for (const [pattern, view] of routes) {
    const names = [];
    const source = pattern.replace(/:(\w+)/g, (_, name) => {
      names.push(name);
      return '([^/]+)';
    });
    const match = new RegExp(`^${source}/?$`).exec(path);
    if (match) {
      const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
      return { view, params };
    }
  }
  return null;
}
