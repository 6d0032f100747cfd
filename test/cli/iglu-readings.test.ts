import { describe, expect, it } from 'vitest';
import {
  csvFields,
  entryStatus,
  glucoseDataPoint,
  groupBySubject,
  parseReadings,
  READING_SYSTEM,
  readingEntry,
  readingIdentifier,
  readingTime,
  readingUuid,
  subjectEmail,
} from '../../src/cli/iglu/readings';
import { validateDataPoint } from '../../src/omh';

const CSV = [
  '"","id","time","gl","diagnosis"',
  '"1","1636-69-001",2014-02-03 03:42:12,93,"diabetic"',
  '"2","1636-69-001",2014-02-03 03:47:12,NA,"diabetic"',
  '"3","2133-004",2015-06-01 23:59:59,101,"pre-diabetic"',
  '',
].join('\n');

const reading = { subject: '1636-69-001', time: '2014-02-03T03:42:12.000Z', gl: 93, diagnosis: 'diabetic' };

describe('iglu CSV parsing', () => {
  it('splits quoted and bare fields', () => {
    expect(csvFields('"1","a,b",x,"say ""hi"""')).toEqual(['1', 'a,b', 'x', 'say "hi"']);
  });

  it('reads zone-less local times as UTC instants', () => {
    expect(readingTime('2014-02-03 03:42:12')).toBe('2014-02-03T03:42:12.000Z');
    expect(readingTime('2014-02-30 03:42:12')).toBeUndefined();
    expect(readingTime('NA')).toBeUndefined();
  });

  it('parses readings by header name and skips lines without a glucose value', () => {
    expect(parseReadings(CSV)).toEqual({
      readings: [
        reading,
        { subject: '2133-004', time: '2015-06-01T23:59:59.000Z', gl: 101, diagnosis: 'pre-diabetic' },
      ],
      skipped: [3],
    });
  });

  it('groups readings by subject in order of first appearance', () => {
    const { readings } = parseReadings(CSV);
    expect([...groupBySubject(readings)].map(([s, rs]) => [s, rs.length])).toEqual([
      ['1636-69-001', 1],
      ['2133-004', 1],
    ]);
  });

  it('rejects a file without the expected columns', () => {
    expect(() => parseReadings('a,b\n1,2')).toThrow('the CSV has no "id" column');
  });
});

describe('iglu data points', () => {
  it('derives a stable, v4-shaped uuid from subject and time', async () => {
    const uuid = await readingUuid(reading);
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await readingUuid({ ...reading })).toBe(uuid);
    expect(await readingUuid({ ...reading, time: '2014-02-03T03:47:12.000Z' })).not.toBe(uuid);
  });

  it('builds a blood-glucose 4.0 data point that passes the server validation', async () => {
    const point = glucoseDataPoint(reading, await readingUuid(reading));
    expect(point.body).toEqual({
      blood_glucose: { value: 93, unit: 'mg/dL' },
      effective_time_frame: { date_time: '2014-02-03T03:42:12.000Z' },
    });
    expect(validateDataPoint('omh:blood-glucose:4.0', point)).toMatchObject({ ok: true });
  });

  it('builds a conditional-create batch entry with the reading identifier', async () => {
    const entry = await readingEntry(reading, 40007);
    expect(readingIdentifier(reading)).toBe('1636-69-001/2014-02-03T03:42:12.000Z');
    expect(entry.resource.identifier).toEqual([
      { system: READING_SYSTEM, value: readingIdentifier(reading) },
    ]);
    expect(entry.resource.subject).toEqual({ reference: 'Patient/40007' });
    expect(entry.resource.device).toEqual({ reference: 'Device/70002' });
    expect(decodeURIComponent(entry.request.ifNoneExist)).toBe(
      `identifier=${READING_SYSTEM}|1636-69-001/2014-02-03T03:42:12.000Z`,
    );
    const decoded: unknown = JSON.parse(atob(entry.resource.valueAttachment.data));
    expect(decoded).toEqual(glucoseDataPoint(reading, await readingUuid(reading)));
    expect(await readingEntry(reading, 40007)).toEqual(entry);
  });

  it('classifies batch-response entries', () => {
    expect(entryStatus({ response: { status: '201 Created' } })).toBe('created');
    expect(entryStatus({ response: { status: '200 OK' } })).toBe('existing');
    expect(entryStatus({ response: { status: '409 Conflict' } })).toBe('failed');
    expect(entryStatus(null)).toBe('failed');
  });

  it('derives a synthetic e-mail per subject', () => {
    expect(subjectEmail('1636-69-001')).toBe('iglu-1636-69-001@example.org');
  });
});
