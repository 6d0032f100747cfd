/**
 * The CapabilityStatement (API.md D.9), generated from RESOURCES plus the system interactions and
 * operations that have routes, so it advertises exactly what the router serves. Pure: no I/O.
 */
import { VERSION } from '../lib/version';
import { RESOURCES, type ResourceType } from './resources';

/** http://hl7.org/fhir/StructureDefinition/capabilitystatement-expectation on every declared item (D.9). */
const SHALL = [
  { url: 'http://hl7.org/fhir/StructureDefinition/capabilitystatement-expectation', valueCode: 'SHALL' },
];

/** `POST` at the base (D.7): batch and transaction Bundles. */
const SYSTEM_INTERACTIONS = ['batch', 'transaction'] as const;

export interface OperationDef {
  type: ResourceType;
  name: string;
  definition: string;
  documentation: string;
}

/** Type-level operations with a route (G.4). */
export const OPERATIONS: readonly OperationDef[] = [
  {
    type: 'Observation',
    name: 'validate',
    definition: 'http://hl7.org/fhir/OperationDefinition/Resource-validate',
    documentation:
      'POST /Observation/$validate with an Observation (or a Parameters with a resource part): an OperationOutcome ' +
      'listing every structural, base64 and Open mHealth problem; nothing is stored.',
  },
];

const REST_DOCUMENTATION =
  'JupyterHealth Exchange FHIR R5 API. Open mHealth data points travel base64-encoded in Observation.valueAttachment.data; ' +
  'the decoded JSON may be a full data point {header, body} (header validated against IEEE 1752 header-1.0, body against ' +
  "the code's schema) or a bare body without header, which is validated as the body and stored unchanged. " +
  'Access comes from the organization memberships, study enrolments and consents of the caller, not from SMART scopes (D.10).';

export interface CapabilityUrls {
  /** The FHIR base as the client spelled it (`<origin>/FHIR/R5` or `<origin>/fhir/r5`). */
  base: string;
  authorize: string;
  token: string;
  revoke: string;
  introspect: string;
}

/** The statement for a request; `date` is fixed by the caller (stable between requests). */
export function capabilityStatement(urls: CapabilityUrls, date: string) {
  return {
    resourceType: 'CapabilityStatement' as const,
    status: 'active',
    date,
    publisher: 'JupyterHealth',
    kind: 'instance',
    software: { name: 'JupyterHealth Exchange', version: VERSION },
    implementation: { description: 'JupyterHealth Exchange FHIR R5 API', url: `${urls.base}/` },
    fhirVersion: '5.0.0',
    format: ['json'],
    patchFormat: ['application/json'],
    rest: [
      {
        mode: 'server',
        documentation: REST_DOCUMENTATION,
        security: {
          cors: true,
          service: [
            {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
                  code: 'SMART-on-FHIR',
                },
              ],
            },
          ],
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: [
                { url: 'authorize', valueUri: urls.authorize },
                { url: 'token', valueUri: urls.token },
                { url: 'revoke', valueUri: urls.revoke },
                { url: 'introspect', valueUri: urls.introspect },
              ],
            },
          ],
          description:
            'OAuth 2.0 bearer tokens from the authorization server at /o/ (SMART App Launch, PKCE S256).',
        },
        resource: RESOURCES.map((resource) => {
          const operations = OPERATIONS.filter((op) => op.type === resource.type);
          return {
            extension: SHALL,
            type: resource.type,
            profile: `http://hl7.org/fhir/StructureDefinition/${resource.type}`,
            documentation: resource.documentation,
            interaction: resource.interactions.map((code) => ({ extension: SHALL, code })),
            versioning: 'no-version',
            readHistory: false,
            updateCreate: false,
            searchParam: resource.searchParams.map((param) => ({
              extension: SHALL,
              name: param.name,
              type: param.type,
              documentation: param.documentation,
            })),
            ...(operations.length > 0 && {
              operation: operations.map((op) => ({
                extension: SHALL,
                name: op.name,
                definition: op.definition,
                documentation: op.documentation,
              })),
            }),
          };
        }),
        interaction: SYSTEM_INTERACTIONS.map((code) => ({ extension: SHALL, code })),
      },
    ],
  };
}
