/**
 * Organizations: the whole tree from ROOT with the caller's role in each (API.md C.2), and a form
 * to create an organization under one the caller manages (top level: superusers only, E.2).
 */
import { api } from '../api.js';
import { ActionForm, Field, Resource, RoleBadge, Select, useApi } from '../components.js';
import { html } from '../html.js';
import { can } from '../permissions.js';
import { href, navigate } from '../router.js';

function TreeNode({ node }) {
  return html`<li>
    <a href=${href(`/organizations/${node.id}`)}>${node.name}</a>
    <span class="muted"> ${node.type}</span> <${RoleBadge} role=${node.currentUserRole} />
    ${
      node.children.length > 0
        ? html`<ul>
            ${node.children.map((child) => html`<${TreeNode} key=${child.id} node=${child} />`)}
          </ul>`
        : null
    }
  </li>`;
}

function flatten(node, depth = 0) {
  return [{ node, depth }, ...node.children.flatMap((child) => flatten(child, depth + 1))];
}

/** Where the caller may create an organization: ROOT for superusers, else orgs they manage. */
export function parentOptions(profile, root) {
  return flatten(root)
    .filter(({ node }) =>
      node.id === 0
        ? can(profile, null, 'organization.create_top_level')
        : can(profile, node.currentUserRole, 'organization.manage_for_practitioners'),
    )
    .map(({ node, depth }) => [
      String(node.id),
      node.id === 0 ? '(top level)' : `${'\u2003'.repeat(Math.max(0, depth - 1))}${node.name}`,
    ]);
}

/** The create form, shared with the organization page (sub-organizations). */
export function CreateOrganizationForm({ parents, onCreated }) {
  const types = useApi('/organizations/types');
  if (parents.length === 0) return null;
  const typeOptions = types.data
    ? Object.entries(types.data).filter(([code]) => code !== 'root')
    : [['other', 'Other']];
  const create = async (values) => {
    const created = await api.post('/organizations', {
      name: values.name,
      type: values.type,
      partOf: Number(values.partOf),
    });
    onCreated(created);
  };
  return html`<${ActionForm} title="New organization" submitLabel="Create organization" onSubmit=${create}>
    <${Field} label="Name" name="name" required />
    <${Select} label="Type" name="type" options=${typeOptions} />
    <${Select} label="Part of" name="partOf" options=${parents} />
  <//>`;
}

export function OrganizationsView({ profile }) {
  const tree = useApi('/organizations/0/tree');
  return html`<section>
    <h1>Organizations</h1>
    <${Resource} state=${tree}>
      ${(root) => html`
        ${
          root.children.length === 0
            ? html`<p class="empty">No organizations yet.</p>`
            : html`<ul class="tree">
                ${root.children.map((node) => html`<${TreeNode} key=${node.id} node=${node} />`)}
              </ul>`
        }
        <${CreateOrganizationForm}
          parents=${parentOptions(profile, root)}
          onCreated=${(org) => navigate(href(`/organizations/${org.id}`))}
        />
      `}
    <//>
  </section>`;
}
