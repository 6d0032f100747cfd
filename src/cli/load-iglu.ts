/**
 * `npm run load:iglu [-- --url http://localhost:8787 --email mary@example.com --password …]`:
 * load the iglu CGM example data (bench/data/SOURCE.md) into a running server through its HTTP
 * API — study "iglu CGM" in BIDS, one patient per subject with their consent, every reading as an
 * Observation uploaded by the patient's app in FHIR batch Bundles. Re-running changes no data:
 * patients are found by e-mail, links and consents answer 409, readings are conditional creates.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEMO_PASSWORD } from '../domain/seed/seed-data';
import { practitionerLogin, JheApi } from './iglu/jhe-client';
import { IGLU_STUDY, prepareBundles, readStudyObservations, sendBundles, setUpStudy } from './iglu/load';
import { progress } from './iglu/progress';
import { groupBySubject, parseReadings } from './iglu/readings';
import { siteUrl } from './site';

const DEFAULT_FILE = 'bench/data/iglu_example_data_hall.csv';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: siteUrl() },
    email: { type: 'string', default: 'mary@example.com' },
    password: { type: 'string', default: process.env.JHE_PASSWORD ?? DEMO_PASSWORD },
    file: { type: 'string', default: DEFAULT_FILE },
    'bundle-size': { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '4' },
    'no-verify': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.info(`Usage: npm run load:iglu -- [options]
  --url <origin>        server (default ${siteUrl()}, from PORT/SITE_URL)
  --email <email>       practitioner login (default mary@example.com, manager of BIDS)
  --password <pw>       practitioner password (default: the demo password, or $JHE_PASSWORD)
  --file <csv>          data file (default ${DEFAULT_FILE})
  --bundle-size <n>     readings per FHIR batch Bundle (default 500, max 1000)
  --concurrency <n>     Bundles in flight (default 4)
  --no-verify           skip reading the study back through FHIR paging`);
  process.exit(0);
}

const origin = values.url.replace(/\/+$/, '');
const bundleSize = Number(values['bundle-size']);
const concurrency = Number(values.concurrency);
if (!Number.isInteger(bundleSize) || bundleSize < 1 || bundleSize > 1000)
  throw new Error('--bundle-size must be 1..1000');
if (!Number.isInteger(concurrency) || concurrency < 1)
  throw new Error('--concurrency must be a positive integer');

const health = await fetch(`${origin}/health`).catch((err: unknown) => {
  throw new Error(`no server at ${origin} (${String(err)}): start one with npm start`);
});
if (!health.ok) throw new Error(`${origin}/health answered ${health.status}`);

const { readings, skipped } = parseReadings(readFileSync(values.file, 'utf8'));
const subjects = [...groupBySubject(readings).keys()];
console.info(
  `${values.file}: ${readings.length} readings of ${subjects.length} subjects` +
    (skipped.length ? ` (${skipped.length} lines without a glucose value skipped)` : '') +
    '. Times have no zone in the file: taken as UTC.',
);

const started = performance.now();
const practitioner = new JheApi(origin, await practitionerLogin(origin, values.email, values.password));
const setup = await setUpStudy(practitioner, subjects);
const setupSeconds = (performance.now() - started) / 1000;
const newPatients = setup.patients.filter((p) => p.created).length;
const newConsents = setup.patients.filter((p) => p.consented).length;
console.info(
  `Study "${IGLU_STUDY.name}" id ${setup.studyId} (${setup.studyCreated ? 'created' : 'existing'}), ` +
    `${setup.patients.length} patients (${newPatients} new), ${newConsents} new consents, ` +
    `patient tokens through invitations: ${setupSeconds.toFixed(1)} s.`,
);

const bar = progress('Uploading', readings.length);
const uploadStarted = performance.now();
const bundles = await prepareBundles(readings, setup, bundleSize);
const counts = await sendBundles(origin, bundles, {
  concurrency,
  onBundle: (n, c) => bar.tick(n, `new ${c.created}, existing ${c.existing}, failed ${c.failed}`),
});
bar.done(`new ${counts.created}, existing ${counts.existing}, failed ${counts.failed}`);
const uploadSeconds = (performance.now() - uploadStarted) / 1000;
console.info(
  `Uploaded ${readings.length} readings in ${uploadSeconds.toFixed(1)} s: ` +
    `${Math.round(readings.length / uploadSeconds)} observations/s ` +
    `(${counts.created} created, ${counts.existing} already there, ${counts.failed} failed); ` +
    `total with setup ${((performance.now() - started) / 1000).toFixed(1)} s.`,
);
for (const failure of counts.failures) console.error(`  failed: ${failure}`);

if (!values['no-verify']) {
  const readStarted = performance.now();
  const read = await readStudyObservations(origin, practitioner.token, setup.studyId);
  const readSeconds = (performance.now() - readStarted) / 1000;
  console.info(
    `Read back through FHIR paging (_count=1000, next links): ${read.ids.size} observations ` +
      `(Bundle total ${read.total ?? '?'}) in ${read.pageMs.length} pages, ${readSeconds.toFixed(1)} s, ` +
      `${Math.round(read.ids.size / readSeconds)} observations/s.`,
  );
  if (read.ids.size < readings.length) {
    console.error(`Expected at least ${readings.length} observations in the study.`);
    process.exitCode = 1;
  }
}
if (counts.failed > 0) process.exitCode = 1;
