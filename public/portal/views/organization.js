/**
 * One organization (API.md C.2): its sub-organizations, studies and practitioners. Managers add
 * practitioners by email and create sub-organizations; managers and members create studies (E.2).
 */
import { api, query } from '../api.js';
import {
  ActionButton,
  ActionForm,
  Empty,
  Field,
  Resource,
  RoleBadge,
  Select,
  useApi,
} from '../components.js';
import { html } from '../html.js';
import { can } from '../permissions.js';
import { href, navigate } from '../router.js';
import { CreateOrganizationForm } from './organizations.js';

const ROLES = [
  ['member', 'member'],
  ['manager', 'manager'],
  ['viewer', 'viewer'],
];

function Studies({ org, profile }) {
  const studies = useApi(`/organizations/${org.id}/studies`);
  const create = async (values) => {
    const study = await api.post('/studies', {
      name: values.name,
      description: values.description,
      organization: org.id,
    });
    navigate(href(`/studies/${study.id}`));
  };
  return html`<section aria-labelledby="studies">
    <h2 id="studies">Studies</h2>
    <${Resource} state=${studies}>
      ${(list) =>
        list.length === 0
          ? html`<${Empty}>No studies in this organization.<//>`
          : html`<ul class="list">
              ${list.map(
                (s) =>
                  html`<li key=${s.id}>
                    <a href=${href(`/studies/${s.id}`)}>${s.name}</a>
                    <span class="muted">${s.description}</span>
                  </li>`,
              )}
            </ul>`}
    <//>
    ${
      can(profile, org.currentUserRole, 'study.manage_for_organization')
        ? html`<${ActionForm} title="New study" submitLabel="Create study" onSubmit=${create}>
            <${Field} label="Name" name="name" required />
            <${Field} label="Description" name="description" required />
          <//>`
        : null
    }
  </section>`;
}

function Practitioners({ org, profile }) {
  const users = useApi(`/organizations/${org.id}/users`);
  const manage = can(profile, org.currentUserRole, 'organization.manage_for_practitioners');
  const setRole = async (jheUserId, role) => {
    await api.post(`/organizations/${org.id}/user`, { jheUserId, organizationPartitionerRole: role });
    users.reload();
  };
  const add = async (values) => {
    const user = await api.get(`/users/search_by_email${query({ email: values.email.trim() })}`);
    if (!user?.id) throw new Error(`No user with the email ${values.email}.`);
    await setRole(user.id, values.role);
  };
  const remove = async (jheUserId) => {
    await api.delete(`/organizations/${org.id}/remove_user`, { jheUserId });
    users.reload();
  };
  return html`<section aria-labelledby="practitioners">
    <h2 id="practitioners">Practitioners</h2>
    <${Resource} state=${users}>
      ${(list) =>
        list.length === 0
          ? html`<${Empty}>No practitioners in this organization.<//>`
          : html`<table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Email</th>
                  <th>Role</th>
                  ${manage ? html`<th>Actions</th>` : null}
                </tr>
              </thead>
              <tbody>
                ${list.map(
                  (u) =>
                    html`<tr key=${u.id}>
                      <td>${u.firstName} ${u.lastName}</td>
                      <td>${u.email}</td>
                      <td><${RoleBadge} role=${u.role} /></td>
                      ${
                        manage
                          ? html`<td>
                              ${ROLES.filter(([r]) => r !== u.role).map(
                                ([r]) =>
                                  html`<${ActionButton}
                                    key=${r}
                                    label=${`Make ${r}`}
                                    onClick=${() => setRole(u.id, r)}
                                  />`,
                              )}
                              <${ActionButton}
                                label="Remove"
                                className="danger"
                                confirm=${`Remove ${u.email} from ${org.name}?`}
                                onClick=${() => remove(u.id)}
                              />
                            </td>`
                          : null
                      }
                    </tr>`,
                )}
              </tbody>
            </table>`}
    <//>
    ${
      manage
        ? html`<${ActionForm} title="Add practitioner" submitLabel="Add practitioner" onSubmit=${add}>
            <${Field} label="Email" name="email" type="email" required />
            <${Select} label="Role" name="role" options=${ROLES} />
          <//>`
        : null
    }
  </section>`;
}

function SubOrganizations({ org, profile }) {
  const tree = useApi(`/organizations/${org.id}/tree`);
  const parents = can(profile, org.currentUserRole, 'organization.manage_for_practitioners')
    ? [[String(org.id), org.name]]
    : [];
  return html`<section aria-labelledby="suborgs">
    <h2 id="suborgs">Sub-organizations</h2>
    <${Resource} state=${tree}>
      ${(node) =>
        node.children.length === 0
          ? html`<${Empty}>No sub-organizations.<//>`
          : html`<ul class="list">
              ${node.children.map(
                (child) =>
                  html`<li key=${child.id}>
                    <a href=${href(`/organizations/${child.id}`)}>${child.name}</a>
                    <${RoleBadge} role=${child.currentUserRole} />
                  </li>`,
              )}
            </ul>`}
    <//>
    <${CreateOrganizationForm} parents=${parents} onCreated=${() => tree.reload()} />
  </section>`;
}

export function OrganizationView({ params, profile }) {
  const org = useApi(`/organizations/${encodeURIComponent(params.id)}`);
  return html`<${Resource} state=${org}>
    ${(o) =>
      html`<article>
        <p class="crumbs"><a href=${href('/organizations')}>Organizations</a></p>
        <h1>${o.name} <${RoleBadge} role=${o.currentUserRole} /></h1>
        <p class="muted meta">
          <span>${o.type}</span>
          <span>id ${o.id}</span>
          <a href=${href('/patients', { organizationId: o.id })}>Patients</a>
          <a href=${href('/observations', { organizationId: o.id })}>Observations</a>
        </p>
        <${Studies} org=${o} profile=${profile} />
        <${Practitioners} org=${o} profile=${profile} />
        <${SubOrganizations} org=${o} profile=${profile} />
      </article>`}
  <//>`;
}
