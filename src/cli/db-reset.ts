/** `npm run db:reset`: start the local database over (delete, migrate, seed). */
import { deleteLocalDatabase, migrateLocal, printSeedReport, seedLocal } from './local-db';
import { siteUrl } from './site';

deleteLocalDatabase();
console.info('Local database deleted.');
migrateLocal();
printSeedReport(await seedLocal(siteUrl()));
