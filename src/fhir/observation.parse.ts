/**
 * Structural checks of an uploaded R5 Observation (API.md D.6 checks 1-2) and extraction of what
 * the server stores. Pure: no I/O. Only subject, device, code, status, identifier and the
 * attachment are kept; other valid R5 elements are accepted and discarded.
 */
import { OBSERVATION_STATUSES, type ObservationStatus } from '../lib/observation-status';
import { AppError } from '../lib/errors';

/** Element names of the R5 Observation resource (http://hl7.org/fhir/R5/observation.html). */
const ELEMENTS = new Set([
  'resourceType',
  'id',
  'meta',
  'implicitRules',
  'language',
  'text',
  'contained',
  'extension',
  'modifierExtension',
  'identifier',
  'instantiatesCanonical',
  'instantiatesReference',
  'basedOn',
  'triggeredBy',
  'partOf',
  'status',
  'category',
  'code',
  'subject',
  'focus',
  'encounter',
  'effectiveDateTime',
  'effectivePeriod',
  'effectiveTiming',
  'effectiveInstant',
  'issued',
  'performer',
  'valueQuantity',
  'valueCodeableConcept',
  'valueString',
  'valueBoolean',
  'valueInteger',
  'valueRange',
  'valueRatio',
  'valueSampledData',
  'valueTime',
  'valueDateTime',
  'valuePeriod',
  'valueAttachment',
  'valueReference',
  'dataAbsentReason',
  'interpretation',
  'note',
  'bodySite',
  'bodyStructure',
  'method',
  'specimen',
  'device',
  'referenceRange',
  'hasMember',
  'derivedFrom',
  'component',
]);

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export interface Coding {
  system: string;
  code: string;
}

/** What the server needs of an Observation that passed the structural checks. */
export interface ParsedObservation {
  status: ObservationStatus;
  patientId: number;
  /** `device.reference` as sent (checked against data sources later, D.6 check 5). */
  deviceReference: string | undefined;
  identifiers: { system: string; value: string }[];
  codings: Coding[];
  /** base64 of the Open mHealth JSON (decoded later, D.6 check 10). */
  data: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function structural(message: string, expression: string): AppError {
  return new AppError('invalid', message, { expression });
}

/** D.6 checks 1 (structure) and 2 (subject), in that order; throws a 400 AppError. */
export function parseObservation(resource: unknown): ParsedObservation {
  if (!isObject(resource)) throw structural('The resource must be a JSON object.', 'Observation');
  if (resource.resourceType !== 'Observation') {
    throw structural(
      `resourceType must be "Observation" (got ${JSON.stringify(resource.resourceType)}).`,
      'Observation.resourceType',
    );
  }
  for (const key of Object.keys(resource)) {
    if (!ELEMENTS.has(key))
      throw structural(`Unknown element "${key}" in Observation.`, `Observation.${key}`);
  }
  const status = resource.status;
  if (typeof status !== 'string' || !(OBSERVATION_STATUSES as readonly string[]).includes(status)) {
    throw structural(`status must be one of ${OBSERVATION_STATUSES.join(', ')}.`, 'Observation.status');
  }
  const code = resource.code;
  if (!isObject(code)) throw structural('code is required.', 'Observation.code');
  const codingList = code.coding ?? [];
  if (!Array.isArray(codingList))
    throw structural('code.coding must be an array.', 'Observation.code.coding');
  const codings = codingList.map((coding, i): Coding => {
    if (
      !isObject(coding) ||
      typeof coding.code !== 'string' ||
      (coding.system !== undefined && typeof coding.system !== 'string')
    ) {
      throw structural(
        'Each coding needs a string code and an optional string system.',
        `Observation.code.coding[${i}]`,
      );
    }
    return { system: typeof coding.system === 'string' ? coding.system : '', code: coding.code };
  });
  const identifierList = resource.identifier ?? [];
  if (!Array.isArray(identifierList))
    throw structural('identifier must be an array.', 'Observation.identifier');
  const identifiers = identifierList.map((identifier, i) => {
    if (
      !isObject(identifier) ||
      typeof identifier.value !== 'string' ||
      (identifier.system !== undefined && typeof identifier.system !== 'string')
    ) {
      throw structural(
        'Each identifier needs a string value and an optional string system.',
        `Observation.identifier[${i}]`,
      );
    }
    // A missing system counts as its own value (D.6 check 6): stored as ''.
    return {
      system: typeof identifier.system === 'string' ? identifier.system : '',
      value: identifier.value,
    };
  });
  const attachment = resource.valueAttachment;
  if (!isObject(attachment) || typeof attachment.data !== 'string') {
    throw structural(
      'valueAttachment.data must be Base 64 Encoded Binary JSON.',
      'Observation.valueAttachment.data',
    );
  }
  const data = attachment.data.replace(/\s+/g, '');
  if (!BASE64.test(data) || data.length % 4 === 1) {
    throw structural(
      'valueAttachment.data must be Base 64 Encoded Binary JSON.',
      'Observation.valueAttachment.data',
    );
  }
  if (resource.device !== undefined && !isObject(resource.device))
    throw structural('device must be a Reference.', 'Observation.device');
  const deviceReference =
    isObject(resource.device) && typeof resource.device.reference === 'string'
      ? resource.device.reference
      : undefined;

  const subject = resource.subject;
  const reference = isObject(subject) && typeof subject.reference === 'string' ? subject.reference : '';
  const patientId = /^Patient\/(\d{1,15})$/.exec(reference)?.[1];
  if (!patientId) {
    throw structural(
      "Subject is required and must be a reference to a Patient ID and start with 'Patient/'",
      'Observation.subject',
    );
  }
  return {
    status: status as ObservationStatus,
    patientId: Number(patientId),
    deviceReference,
    identifiers,
    codings,
    data,
  };
}

const NON_ASCII = /[\u0080-\u00ff]/;

/** D.6 check 10: base64 -> UTF-8 -> JSON ([R] UTF-8, not only ASCII). */
export function decodeAttachment(data: string): unknown {
  try {
    const binary = atob(data);
    // Hot path of every upload: pure ASCII (the usual OMH JSON) is already its own UTF-8 text.
    if (!NON_ASCII.test(binary)) return JSON.parse(binary);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    throw new AppError('invalid', 'valueAttachment.data must be Base 64 Encoded Binary JSON.', {
      expression: 'Observation.valueAttachment.data',
    });
  }
}
