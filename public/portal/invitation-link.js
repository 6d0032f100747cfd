/** The "Invitation link" button: asks the server for a fresh link for a patient and shows it (API.md B.8). */
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { ErrorMessage } from './components.js';
import { html } from './html.js';

export function InvitationLink({ patient }) {
  const [link, setLink] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const fetchLink = async () => {
    setBusy(true);
    setError(null);
    try {
      const body = await api.get(`/patients/${patient.id}/invitation_link`);
      setLink(body.invitationLink);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const label = `Invitation link for ${patient.nameGiven} ${patient.nameFamily}`;
  return html`<div class="invitation">
    <button type="button" onClick=${fetchLink} disabled=${busy}>
      ${link ? 'New invitation link' : 'Invitation link'}
    </button>
    ${
      link
        ? html`<label class="field invitation-link"
            ><span class="sr-only">${label}</span
            ><input readonly value=${link} aria-label=${label} onFocus=${(e) => e.currentTarget.select()}
          /></label>`
        : null
    }
    <${ErrorMessage} error=${error} />
  </div>`;
}
