/** The home page for visitors (`/`, API.md A.1): sign in, or create an account with an invite code. */
import { useState } from 'preact/hooks';
import { signIn } from '../auth.js';
import { ErrorMessage } from '../components.js';
import { html } from '../html.js';

export function SignInView({ title, returnTo }) {
  const [error, setError] = useState(null);
  const start = () => signIn(returnTo).catch(setError);
  return html`<main class="narrow welcome">
    <h1>${title}</h1>
    <p>
      Manage organizations, studies, patients and the data types they consent to share, and invite patients to
      connect their apps.
    </p>
    <p><button type="button" class="primary" onClick=${start}>Sign in</button></p>
    <p>
      New practitioner? <a href="/accounts/signup/?next=/auth/login/">Create an account</a> with your invite
      code.
    </p>
    <${ErrorMessage} error=${error} />
  </main>`;
}
