// `npm start`: parse config, open the database (migrating it), serve API + web UI on one port.
import path from 'node:path';
import { serve } from '@hono/node-server';
import { configOrExit } from './config.js';
import { openConfiguredDb } from './db/index.js';
import { explainDbError } from './db/startup-errors.js';
import { createApp } from './app.js';
import { acquireLockOrExit, releaseLock } from './lock.js';
import { startImportHousekeeping } from './imports/housekeeping.js';
import { createSetupToken } from './auth/store.js';

async function main() {
  const config = configOrExit();
  const embedded = !config.DATABASE_URL;
  const lock = embedded ? acquireLockOrExit(config.dataDir, 'app') : undefined;
  console.log(
    embedded
      ? `Opening the embedded database in ${config.dataDir} (a new one unpacks PostGIS first, about 10 s) ...`
      : 'Connecting to the PostgreSQL server (DATABASE_URL) and applying migrations ...',
  );
  let db;
  try {
    db = await openConfiguredDb(config);
  } catch (e) {
    if (lock) releaseLock(lock);
    console.error(`Saferplaces failed to start.\n${explainDbError(e, config.DATABASE_URL)}`);
    process.exit(1);
  }
  console.log('Database ready; starting the web server ...');
  const housekeeping = await startImportHousekeeping(db, config.dataDir);
  const app = createApp({ db, config, localSecret: lock?.secret }, { webRoot: path.resolve('dist/web') });
  // First run: no default password. A one-time link (token in the URL fragment, so it is never sent
  // to the server in a request line or logged) creates the first admin.
  const setupToken = await createSetupToken(db);
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    if (lock) lock.publish({ port: info.port, host: config.HOST });
    const base = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${info.port}`;
    console.log(`Saferplaces running at ${base}/`);
    console.log(`Database: ${db.driver}${embedded ? ` (data in ${config.dataDir})` : ''}`);
    if (setupToken) {
      console.log(
        `\nNo accounts yet. Create the first administrator (link valid 24 hours, once):\n  ${base}/setup#token=${setupToken}`,
      );
      console.log('or: npm run user -- add <email> --role admin\n');
    }
  });
  const stop = async () => {
    housekeeping.stop();
    server.close();
    await db.close();
    if (lock) releaseLock(lock);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(`Saferplaces failed to start: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
