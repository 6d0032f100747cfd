/** Any portal path without a screen. */
import { html } from '../html.js';
import { href } from '../router.js';

export function NotFoundView() {
  return html`<section>
    <h1>Page not found</h1>
    <p><a href=${href('/organizations')}>Back to organizations</a></p>
  </section>`;
}
