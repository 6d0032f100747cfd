/**
 * The iglu CGM example data (bench/data/SOURCE.md) as FHIR uploads. Pure: no node imports, so the
 * tests run it in workerd and the loader and the benchmark share it.
 */
import { base64FromUtf8 } from '../../lib/encoding';

export const OMH_SYSTEM = 'https://w3id.org/openmhealth';
export const GLUCOSE_CODE = 'omh:blood-glucose:4.0';
/** The seeded Dexcom data source (API.md F.8), which supports blood glucose. */
export const GLUCOSE_DEVICE_ID = 70002;
/** System of the patient identifier carrying the iglu subject id. */
export const SUBJECT_SYSTEM = 'https://github.com/irinagain/iglu';
/** System of the per-reading identifier that makes re-runs conditional creates. */
export const READING_SYSTEM = 'https://github.com/irinagain/iglu/reading';

export interface Reading {
  subject: string;
  /** ISO-8601 UTC instant (see `readingTime`). */
  time: string;
  /** Glucose in mg/dL. */
  gl: number;
  diagnosis: string;
}

export interface ParsedReadings {
  readings: Reading[];
  /** Data lines left out (no numeric glucose, e.g. `NA`, or an unreadable time), by line number. */
  skipped: number[];
}

/** Split one CSV line; fields may be double-quoted (`""` inside quotes is a quote). */
export function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

/**
 * The CSV's `time` is local wall-clock time without a zone (`YYYY-MM-DD HH:MM:SS`); the source does
 * not say which zone, so it is taken as UTC. Returns undefined when the text is not such a time.
 */
export function readingTime(text: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})$/.exec(text.trim());
  if (!match) return undefined;
  const instant = new Date(`${match[1]}T${match[2]}Z`);
  // Date rolls impossible days over (Feb 30 -> Mar 2): only a round trip is a real time.
  if (Number.isNaN(instant.getTime()) || instant.toISOString().slice(0, 19) !== `${match[1]}T${match[2]}`)
    return undefined;
  return instant.toISOString();
}

/** Parse the file (header `"",id,time,gl,diagnosis`); columns are found by header name. */
export function parseReadings(text: string): ParsedReadings {
  const lines = text.split(/\r?\n/);
  const header = csvFields(lines[0] ?? '');
  const column = (name: string) => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`the CSV has no "${name}" column (header: ${header.join(',')})`);
    return index;
  };
  const [idCol, timeCol, glCol, diagnosisCol] = ['id', 'time', 'gl', 'diagnosis'].map(column);
  const readings: Reading[] = [];
  const skipped: number[] = [];
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === '') return;
    const fields = csvFields(line);
    const subject = fields[idCol ?? 0] ?? '';
    const time = readingTime(fields[timeCol ?? 0] ?? '');
    const glText = fields[glCol ?? 0] ?? '';
    const gl = Number(glText);
    if (subject === '' || time === undefined || glText.trim() === '' || !Number.isFinite(gl)) {
      skipped.push(i + 2);
      return;
    }
    readings.push({ subject, time, gl, diagnosis: fields[diagnosisCol ?? 0] ?? '' });
  });
  return { readings, skipped };
}

/** The readings grouped by subject, subjects in order of first appearance. */
export function groupBySubject(readings: readonly Reading[]): Map<string, Reading[]> {
  const groups = new Map<string, Reading[]>();
  for (const r of readings) {
    const group = groups.get(r.subject);
    if (group) group.push(r);
    else groups.set(r.subject, [r]);
  }
  return groups;
}

/** The identifier value of a reading: unique per subject and time in the file. */
export function readingIdentifier(reading: Pick<Reading, 'subject' | 'time'>): string {
  return `${reading.subject}/${reading.time}`;
}

/**
 * A name-based UUID for a reading: SHA-256 of the identifier, shaped as version 4 / RFC 4122
 * variant so IEEE `header-1.0` accepts it. Deterministic, so a re-run builds the same data point.
 */
export async function readingUuid(reading: Pick<Reading, 'subject' | 'time'>): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest(
      'SHA-256',
      new TextEncoder().encode(`${READING_SYSTEM}|${readingIdentifier(reading)}`),
    ),
  );
  const bytes = digest.slice(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The Open mHealth `blood-glucose` 4.0 data point of a reading (API.md G.2: IEEE header + body). */
export function glucoseDataPoint(reading: Reading, uuid: string) {
  return {
    header: {
      uuid,
      schema_id: { namespace: 'omh', name: 'blood-glucose', version: '4.0' },
      source_creation_date_time: reading.time,
      modality: 'sensed',
    },
    body: {
      blood_glucose: { value: reading.gl, unit: 'mg/dL' },
      effective_time_frame: { date_time: reading.time },
    },
  };
}

/** A batch Bundle entry creating the reading's Observation unless its identifier exists (D.6, D.7). */
export async function readingEntry(reading: Reading, patientId: number) {
  const identifier = readingIdentifier(reading);
  return {
    resource: {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: OMH_SYSTEM, code: GLUCOSE_CODE }] },
      subject: { reference: `Patient/${patientId}` },
      device: { reference: `Device/${GLUCOSE_DEVICE_ID}` },
      identifier: [{ system: READING_SYSTEM, value: identifier }],
      valueAttachment: {
        contentType: 'application/json',
        data: base64FromUtf8(JSON.stringify(glucoseDataPoint(reading, await readingUuid(reading)))),
      },
    },
    request: {
      method: 'POST',
      url: 'Observation',
      ifNoneExist: `identifier=${encodeURIComponent(`${READING_SYSTEM}|${identifier}`)}`,
    },
  };
}

/** A FHIR batch Bundle of the given entries. */
export function batchBundle(entries: readonly unknown[]) {
  return { resourceType: 'Bundle', type: 'batch', entry: entries };
}

export type EntryStatus = 'created' | 'existing' | 'failed';

/** Classify a batch-response entry by its `response.status` (`201 Created`, `200 OK`, errors). */
export function entryStatus(entry: unknown): EntryStatus {
  const response =
    typeof entry === 'object' && entry !== null
      ? (entry as { response?: { status?: unknown } }).response
      : undefined;
  const status = typeof response?.status === 'string' ? response.status : '';
  if (status.startsWith('201')) return 'created';
  if (status.startsWith('200')) return 'existing';
  return 'failed';
}

/** A synthetic e-mail for a subject's patient record (the data set has no contact details). */
export function subjectEmail(subject: string): string {
  return `iglu-${subject.toLowerCase().replace(/[^a-z0-9]+/g, '-')}@example.org`;
}
