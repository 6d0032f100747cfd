/**
 * One patient (API.md C.3): identity, organizations, the invitation link, and consents per study
 * (C.3.1: consented, declined, and pending data types).
 */
import { Empty, Resource, RoleBadge, useApi } from '../components.js';
import { InvitationLink } from '../invitation-link.js';
import { html } from '../html.js';
import { can } from '../permissions.js';
import { href } from '../router.js';

function consentText(consent) {
  if (consent.consented === true) return 'consented';
  if (consent.consented === false) return 'declined';
  return 'pending';
}

function StudyConsents({ study, consents }) {
  return html`<li>
    <a href=${href(`/studies/${study.id}`)}>${study.name}</a>
    <span class="muted">${study.organization.name}</span>
    <ul>
      ${consents.map(
        (c) =>
          html`<li key=${c.code.id}>
            ${c.code.text} <span class=${`badge consent-${consentText(c)}`}>${consentText(c)}</span>
            ${c.consentedTime ? html` <span class="muted">${new Date(c.consentedTime).toLocaleString()}</span>` : null}
          </li>`,
      )}
    </ul>
  </li>`;
}

function Consents({ patientId }) {
  const consents = useApi(`/patients/${patientId}/consents`);
  return html`<section aria-labelledby="consents">
    <h2 id="consents">Consents</h2>
    <${Resource} state=${consents}>
      ${(c) => {
        const rows = [
          ...c.studies.map((s) => ({ key: `given-${s.id}`, study: s, consents: s.scopeConsents })),
          ...c.studiesPendingConsent.map((s) => ({
            key: `pending-${s.id}`,
            study: s,
            consents: s.pendingScopeConsents,
          })),
        ];
        if (rows.length === 0) return html`<${Empty}>Not enrolled in a study that requests data.<//>`;
        return html`<ul class="list">
          ${rows.map((r) => html`<${StudyConsents} key=${r.key} study=${r.study} consents=${r.consents} />`)}
        </ul>`;
      }}
    <//>
  </section>`;
}

export function PatientView({ params, profile }) {
  const patient = useApi(`/patients/${encodeURIComponent(params.id)}`);
  // The caller's roles: a patient's nested organizations do not carry them (currentUserRole null).
  const memberships = useApi('/users/organizations');
  const roles = new Map((memberships.data ?? []).map((o) => [o.id, o.currentUserRole]));
  return html`<${Resource} state=${patient}>
    ${(p) => {
      const manage = p.organizations.some((o) =>
        can(profile, roles.get(o.id), 'patient.manage_for_organization'),
      );
      return html`<article>
        <p class="crumbs"><a href=${href('/patients')}>Patients</a></p>
        <h1>${p.nameGiven} ${p.nameFamily}</h1>
        <dl class="facts">
          <dt>Patient id</dt>
          <dd>${p.id}</dd>
          <dt>Email</dt>
          <dd>${p.telecomEmail}</dd>
          <dt>Birth date</dt>
          <dd>${p.birthDate}</dd>
          <dt>Phone</dt>
          <dd>${p.telecomPhone || '—'}</dd>
          <dt>Identifiers</dt>
          <dd>
            ${p.identifiers.length === 0 ? '—' : p.identifiers.map((i) => html`<div key=${i.id}><code>${i.system}|${i.value}</code></div>`)}
          </dd>
          <dt>Organizations</dt>
          <dd>
            ${p.organizations.map(
              (o) =>
                html`<div key=${o.id}>
                  <a href=${href(`/organizations/${o.id}`)}>${o.name}</a>
                  <${RoleBadge} role=${roles.get(o.id)} />
                </div>`,
            )}
          </dd>
        </dl>
        ${manage ? html`<${InvitationLink} patient=${p} />` : null}
        <p><a href=${href('/observations', { patientId: p.id })}>Observations of this patient</a></p>
        <${Consents} patientId=${p.id} />
      </article>`;
    }}
  <//>`;
}
