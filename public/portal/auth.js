/**
 * Sign-in with OpenID Connect, authorization code + PKCE (S256), through oidc-client-ts. The
 * settings come from `/common/server-settings.js` (API.md B.7); tokens live in sessionStorage
 * for this tab only.
 */
/* global location, window -- browser module */
import { UserManager, WebStorageStateStore } from 'oidc-client-ts';

const settings = window.OIDCSettings;

export const userManager = settings
  ? new UserManager({
      ...settings,
      post_logout_redirect_uri: `${location.origin}/`,
      userStore: new WebStorageStateStore({ store: window.sessionStorage }),
      // Renewal is done on demand (a 401 from the API) with the refresh token: no hidden iframes.
      automaticSilentRenew: false,
      loadUserInfo: false,
    })
  : null;

function manager() {
  if (!userManager) throw new Error('The server settings (/common/server-settings.js) could not be loaded.');
  return userManager;
}

/** The signed-in user with a live access token, or null. */
export async function currentUser() {
  const user = await manager().getUser();
  return user && !user.expired ? user : null;
}

/** Leave for the login page; come back to `returnTo` (a path of this origin). */
export function signIn(returnTo) {
  return manager().signinRedirect({ state: { returnTo } });
}

/** Finish the redirect at `/auth/callback`: returns the path to go to next. */
export async function completeSignIn() {
  const user = await manager().signinCallback();
  const returnTo = user?.state?.returnTo;
  return typeof returnTo === 'string' && returnTo.startsWith('/') && !returnTo.startsWith('//')
    ? returnTo
    : null;
}

/** A new access token from the refresh token, or null when the session cannot be renewed. */
export async function renew() {
  try {
    const user = await manager().signinSilent();
    return user?.access_token ?? null;
  } catch {
    return null;
  }
}

/** Revoke the tokens, forget them, and end the server's login session. */
export async function signOut() {
  const um = manager();
  await um.revokeTokens(['access_token', 'refresh_token']).catch(() => undefined);
  await um.removeUser();
  location.assign('/accounts/logout/');
}
