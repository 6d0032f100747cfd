/**
 * HTML pages of `/accounts/*` (API.md B.7). `hono/html` escapes every interpolated value, so
 * user input (email, `next`, messages) cannot inject markup. The hidden CSRF input is written
 * exactly as Django writes it, because scripts scrape it with a regex.
 */
import { html, raw } from 'hono/html';
import { CSRF_FIELD } from './csrf';
import { SIGNUP_MIN_PASSWORD_LENGTH } from './signup';

type Html = ReturnType<typeof html>;

const DEFAULT_TITLE = 'JupyterHealth Exchange';

const STYLE = `
body{font-family:system-ui,sans-serif;background:#f5f6f8;color:#1d2330;margin:0}
main{max-width:24rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin-top:0}
label{display:block;margin-top:1rem;font-weight:600}
input[type=email],input[type=password],input[type=text]{width:100%;box-sizing:border-box;padding:.5rem;margin-top:.25rem;border:1px solid #9aa3b2;border-radius:4px;font:inherit}
button{margin-top:1.5rem;width:100%;padding:.6rem;border:0;border-radius:4px;background:#1f5fbf;color:#fff;font:inherit;cursor:pointer}
.errors{background:#fdecea;color:#8a1c12;border-radius:4px;padding:.5rem 1rem;margin:0}
p.alt{margin-top:1.5rem;text-align:center}
`;

function layout(siteTitle: string | undefined, heading: string, body: Html): Html {
  const site = siteTitle || DEFAULT_TITLE;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${heading} | ${site}</title>
        <style>
          ${raw(STYLE)}
        </style>
      </head>
      <body>
        <main>
          <p>${site}</p>
          <h1>${heading}</h1>
          ${body}
        </main>
      </body>
    </html>`;
}

function errorList(messages: readonly string[]): Html | string {
  if (messages.length === 0) return '';
  return html`<ul class="errors" role="alert">
    ${messages.map((m) => html`<li>${m}</li>`)}
  </ul>`;
}

function csrfInput(token: string): Html {
  // Django's exact spelling (no self-closing slash): scripts match it with a regex.
  // prettier-ignore
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`;
}

/** Query string carrying `next` to the other form, or nothing. */
function nextQuery(next: string | undefined): string {
  return next ? `?${new URLSearchParams({ next }).toString()}` : '';
}

export interface LoginPageProps {
  siteTitle: string | undefined;
  csrfToken: string;
  next: string | undefined;
  email?: string;
  errors?: readonly string[];
}

/** The login form; fields `username` (the email), `password`, `csrfmiddlewaretoken`, `next`. */
export function loginPage(p: LoginPageProps): Html {
  return layout(
    p.siteTitle,
    'Sign in',
    html`${errorList(p.errors ?? [])}
      <form method="post">
        ${csrfInput(p.csrfToken)}
        <input type="hidden" name="next" value="${p.next ?? ''}" />
        <label for="id_username">Email</label>
        <input
          type="email"
          name="username"
          id="id_username"
          value="${p.email ?? ''}"
          autocomplete="username"
          required
          autofocus
        />
        <label for="id_password">Password</label>
        <input type="password" name="password" id="id_password" autocomplete="current-password" required />
        <button type="submit">Sign in</button>
      </form>
      <p class="alt">No account yet? <a href="/accounts/signup/${nextQuery(p.next)}">Sign up</a></p>`,
  );
}

export interface SignupPageProps {
  siteTitle: string | undefined;
  csrfToken: string;
  next: string | undefined;
  email?: string;
  errors?: readonly string[];
}

/** The practitioner signup form; fields `email`, `password`, `password2`, `joincode`. */
export function signupPage(p: SignupPageProps): Html {
  return layout(
    p.siteTitle,
    'Create a practitioner account',
    html`${errorList(p.errors ?? [])}
      <form method="post">
        ${csrfInput(p.csrfToken)}
        <input type="hidden" name="next" value="${p.next ?? ''}" />
        <label for="id_email">Email</label>
        <input
          type="email"
          name="email"
          id="id_email"
          value="${p.email ?? ''}"
          autocomplete="email"
          required
          autofocus
        />
        <label for="id_password">Password</label>
        <input
          type="password"
          name="password"
          id="id_password"
          autocomplete="new-password"
          minlength="${SIGNUP_MIN_PASSWORD_LENGTH}"
          required
        />
        <label for="id_password2">Password (again)</label>
        <input
          type="password"
          name="password2"
          id="id_password2"
          autocomplete="new-password"
          minlength="${SIGNUP_MIN_PASSWORD_LENGTH}"
          required
        />
        <label for="id_joincode">Invite code</label>
        <input type="text" name="joincode" id="id_joincode" autocomplete="off" required />
        <button type="submit">Sign up</button>
      </form>
      <p class="alt">Already registered? <a href="/accounts/login/${nextQuery(p.next)}">Sign in</a></p>`,
  );
}

/** A plain message page (CSRF failure, throttling). */
export function messagePage(siteTitle: string | undefined, heading: string, message: string): Html {
  return layout(siteTitle, heading, html`<p>${message}</p>`);
}

export interface PasswordChangePageProps {
  siteTitle: string | undefined;
  csrfToken: string;
  errors?: readonly string[];
}

/** Django's password change form: `old_password`, `new_password1`, `new_password2`. */
export function passwordChangePage(p: PasswordChangePageProps): Html {
  return layout(
    p.siteTitle,
    'Change your password',
    html`${errorList(p.errors ?? [])}
      <form method="post">
        ${csrfInput(p.csrfToken)}
        <label for="id_old_password">Old password</label>
        <input
          type="password"
          name="old_password"
          id="id_old_password"
          autocomplete="current-password"
          required
          autofocus
        />
        <label for="id_new_password1">New password</label>
        <input
          type="password"
          name="new_password1"
          id="id_new_password1"
          autocomplete="new-password"
          minlength="${SIGNUP_MIN_PASSWORD_LENGTH}"
          required
        />
        <label for="id_new_password2">New password (again)</label>
        <input
          type="password"
          name="new_password2"
          id="id_new_password2"
          autocomplete="new-password"
          minlength="${SIGNUP_MIN_PASSWORD_LENGTH}"
          required
        />
        <button type="submit">Change password</button>
      </form>`,
  );
}
