/**
 * Patients of one of the caller's organizations (API.md C.3): list, create, and hand out
 * invitation links. Managers and members create patients and invite them (E.2).
 */
import { useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { ActionForm, Empty, Field, PAGE_SIZE, Pager, Resource, useApi } from '../components.js';
import { InvitationLink } from '../invitation-link.js';
import { html } from '../html.js';
import { can } from '../permissions.js';
import { href, navigate } from '../router.js';

function PatientList({ org, profile }) {
  const [page, setPage] = useState(1);
  const patients = useApi(`/patients${query({ organizationId: org.id, page, pageSize: PAGE_SIZE })}`);
  const manage = can(profile, org.currentUserRole, 'patient.manage_for_organization');
  const create = async (values) => {
    const body = { organizationId: org.id };
    for (const [key, value] of Object.entries(values)) if (value.trim()) body[key] = value.trim();
    await api.post('/patients', body);
    patients.reload();
  };
  return html`
    <${Resource} state=${patients}>
      ${(envelope) =>
        envelope.results.length === 0
          ? html`<${Empty}>No patients in ${org.name}.<//>`
          : html`<table>
                <thead>
                  <tr>
                    <th>Id</th>
                    <th>Name</th>
                    <th>Email</th>
                    <th>Birth date</th>
                    ${manage ? html`<th>Invite</th>` : null}
                  </tr>
                </thead>
                <tbody>
                  ${envelope.results.map(
                    (p) =>
                      html`<tr key=${p.id}>
                        <td>${p.id}</td>
                        <td><a href=${href(`/patients/${p.id}`)}>${p.nameGiven} ${p.nameFamily}</a></td>
                        <td>${p.telecomEmail}</td>
                        <td>${p.birthDate}</td>
                        ${manage ? html`<td><${InvitationLink} patient=${p} /></td>` : null}
                      </tr>`,
                  )}
                </tbody>
              </table>
              <${Pager} page=${page} envelope=${envelope} onPage=${setPage} />`}
    <//>
    ${
      manage
        ? html`<${ActionForm} title="New patient" submitLabel="Create patient" onSubmit=${create}>
            <${Field} label="Email" name="telecomEmail" type="email" required />
            <${Field} label="Given name" name="nameGiven" required />
            <${Field} label="Family name" name="nameFamily" required />
            <${Field} label="Birth date" name="birthDate" type="date" required />
            <${Field} label="Phone" name="telecomPhone" type="tel" />
          <//>`
        : null
    }
  `;
}

export function PatientsView({ profile, query: search }) {
  const orgs = useApi('/users/organizations');
  const wanted = Number(search.get('organizationId') ?? profile.settings?.currentOrganizationId);
  return html`<section>
    <h1>Patients</h1>
    <${Resource} state=${orgs}>
      ${(list) => {
        if (list.length === 0) return html`<${Empty}>You are not a member of any organization yet.<//>`;
        const org = list.find((o) => o.id === wanted) ?? list[0];
        return html`
          <label class="field inline-field"
            ><span>Organization</span>
            <select
              value=${String(org.id)}
              onChange=${(e) => navigate(href('/patients', { organizationId: e.currentTarget.value }), { replace: true })}
            >
              ${list.map((o) => html`<option value=${String(o.id)}>${o.name}</option>`)}
            </select></label
          >
          <${PatientList} key=${org.id} org=${org} profile=${profile} />
        `;
      }}
    <//>
  </section>`;
}
