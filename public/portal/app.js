/**
 * The portal shell: decides between the sign-in page, the OIDC callback pages and the signed-in
 * screens (API.md A.1 paths), loads the caller's profile, and routes on the path.
 */
/* global document, window -- browser module */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { SIGNED_OUT, api } from './api.js';
import { completeSignIn, currentUser, signIn, signOut, userManager } from './auth.js';
import { ErrorMessage } from './components.js';
import { html } from './html.js';
import { href, interceptLinks, matchRoute, navigate, portalPath, useLocation } from './router.js';
import { DataSourcesView } from './views/data-sources.js';
import { NotFoundView } from './views/not-found.js';
import { ObservationsView } from './views/observations.js';
import { OrganizationView } from './views/organization.js';
import { OrganizationsView } from './views/organizations.js';
import { PatientView } from './views/patient.js';
import { PatientsView } from './views/patients.js';
import { SignInView } from './views/sign-in.js';
import { StudyView } from './views/study.js';

const SITE_TITLE = window.JHE_SITE_TITLE ?? 'JupyterHealth Exchange';
const HOME = '/organizations';

const ROUTES = [
  ['/organizations', OrganizationsView],
  ['/organizations/:id', OrganizationView],
  ['/studies/:id', StudyView],
  ['/patients', PatientsView],
  ['/patients/:id', PatientView],
  ['/data-sources', DataSourcesView],
  ['/observations', ObservationsView],
];

const NAV = [
  ['/organizations', 'Organizations'],
  ['/patients', 'Patients'],
  ['/data-sources', 'Data sources'],
  ['/observations', 'Observations'],
];

/** `/auth/callback`: trade the code for tokens, then go where the sign-in started. */
function Callback() {
  const [error, setError] = useState(null);
  useEffect(() => {
    completeSignIn().then(
      (returnTo) => navigate(returnTo ?? href(HOME), { replace: true }),
      (err) => setError(err),
    );
  }, []);
  if (!error) return html`<p class="loading" aria-live="polite">Signing in…</p>`;
  return html`<main class="narrow">
    <h1>Sign-in failed</h1>
    <${ErrorMessage} error=${error} />
    <p><button type="button" onClick=${() => signIn(href(HOME))}>Try again</button></p>
  </main>`;
}

/** `/auth/login`: start signing in at once (the target of signup's `next`). */
function StartSignIn() {
  const [error, setError] = useState(null);
  useEffect(() => {
    signIn(href(HOME)).catch(setError);
  }, []);
  return error
    ? html`<main class="narrow"><${ErrorMessage} error=${error} /></main>`
    : html`<p class="loading">Redirecting to sign in…</p>`;
}

function Redirect({ to }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function Shell({ profile, path, query }) {
  const route = matchRoute(ROUTES, path);
  const View = route?.view ?? NotFoundView;
  const active = (target) => path === target || path.startsWith(`${target}/`);
  return html`<div class="shell">
    <header class="top">
      <a class="brand" href=${href(HOME)}>${SITE_TITLE}</a>
      <nav aria-label="Main">
        ${NAV.map(
          ([target, label]) =>
            html`<a href=${href(target)} aria-current=${active(target) ? 'page' : undefined}>${label}</a>`,
        )}
      </nav>
      <span class="who">${profile.email ?? ''}${profile.isSuperuser ? ' (superuser)' : ''}</span>
      <button type="button" class="link" onClick=${() => signOut()}>Sign out</button>
    </header>
    <main><${View} key=${path} profile=${profile} params=${route?.params ?? {}} query=${query} /></main>
  </div>`;
}

function App() {
  const location = useLocation();
  const [session, setSession] = useState({ state: 'checking' });

  useEffect(() => {
    const onSignedOut = () => setSession({ state: 'signed-out' });
    window.addEventListener(SIGNED_OUT, onSignedOut);
    return () => window.removeEventListener(SIGNED_OUT, onSignedOut);
  }, []);

  const isCallback = location.pathname.startsWith('/auth/');
  useEffect(() => {
    if (isCallback || !userManager) return;
    let live = true;
    (async () => {
      const user = await currentUser();
      if (!user) return live && setSession({ state: 'signed-out' });
      const profile = await api.get('/users/profile');
      if (live) setSession({ state: 'signed-in', profile });
    })().catch((error) => live && setSession({ state: 'error', error }));
    return () => {
      live = false;
    };
  }, [isCallback]);

  if (!userManager) {
    return html`<main class="narrow">
      <p class="error" role="alert">The server settings (/common/server-settings.js) could not be loaded.</p>
    </main>`;
  }
  if (location.pathname.replace(/\/$/, '') === '/auth/callback') return html`<${Callback} />`;
  if (location.pathname.startsWith('/auth/callback_popup')) {
    userManager.signinPopupCallback();
    return null;
  }
  if (location.pathname.startsWith('/auth/login')) return html`<${StartSignIn} />`;

  const path = portalPath(location.pathname);
  const here = location.pathname + (location.query.toString() ? `?${location.query}` : '');
  if (session.state === 'checking') return html`<p class="loading" aria-live="polite">Loading…</p>`;
  if (session.state === 'error') {
    return html`<main class="narrow">
      <h1>${SITE_TITLE}</h1>
      <${ErrorMessage} error=${session.error} />
    </main>`;
  }
  if (session.state === 'signed-out') {
    return html`<${SignInView}
      title=${SITE_TITLE}
      returnTo=${path === null || path === '/' ? href(HOME) : here}
    />`;
  }
  if (path === null || path === '/') return html`<${Redirect} to=${href(HOME)} />`;
  return html`<${Shell} profile=${session.profile} path=${path} query=${location.query} />`;
}

document.addEventListener('click', interceptLinks);
document.title = window.JHE_SITE_TITLE ?? document.title;
const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
