/** `npm run seed`: migrate the local database and insert the demo data (idempotent). */
import { migrateLocal, printSeedReport, seedLocal } from './local-db';
import { siteUrl } from './site';

migrateLocal();
printSeedReport(await seedLocal(siteUrl()));
