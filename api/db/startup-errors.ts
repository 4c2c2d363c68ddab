// Why the database could not be opened at start, in words, with the fix (issue 13): a missing database,
// no server listening, a refused login, PostGIS not installed on the server, or a role that may not create
// the extension. PostgreSQL's own DETAIL and HINT are kept below the explanation.

interface PgLikeError {
  code?: string;
  message?: string;
  detail?: string;
  hint?: string;
  address?: string;
  port?: number;
}

/** The database part of a postgres:// URL (for messages; the password is never shown). */
function target(url: string | undefined): { db: string; host: string; user: string } {
  try {
    const u = new URL(url ?? '');
    return {
      db: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
      host: `${u.hostname}:${u.port || 5432}`,
      user: decodeURIComponent(u.username) || 'postgres',
    };
  } catch {
    return { db: '?', host: '?', user: '?' };
  }
}

export function explainDbError(e: unknown, databaseUrl?: string): string {
  const err = (e ?? {}) as PgLikeError;
  const msg = err.message ?? String(e);
  const t = target(databaseUrl);
  let cause: string;
  let fix: string;
  if (err.code === '3D000') {
    cause = `The database "${t.db}" does not exist on the PostgreSQL server at ${t.host}.`;
    fix = `Create it: createdb -h ${t.host.split(':')[0]} -U ${t.user} ${t.db}   (or psql -c 'CREATE DATABASE "${t.db}"'), or point DATABASE_URL at an existing database.`;
  } else if (err.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(msg)) {
    cause = `No PostgreSQL server is accepting connections at ${t.host}.`;
    fix =
      'Start the server (e.g. sudo systemctl start postgresql), check host and port in DATABASE_URL, or unset DATABASE_URL to use the embedded database.';
  } else if (err.code === '28P01' || err.code === '28000') {
    cause = `The server refused the login of role "${t.user}".`;
    fix = 'Check the user name and password in DATABASE_URL, and pg_hba.conf on the server.';
  } else if (err.code === '58P01' || (/extension "postgis"/.test(msg) && /(is not available|control file)/.test(msg))) {
    cause = `PostGIS is not installed on the PostgreSQL server at ${t.host}.`;
    fix =
      'Install it on the server: sudo apt-get install postgresql-15-postgis-3 (the package for your PostgreSQL version: postgresql-<version>-postgis-3), then start Saferplaces again.';
  } else if (err.code === '42501' && /extension/.test(msg)) {
    cause = `The role "${t.user}" may not create the PostGIS extension in database "${t.db}".`;
    fix = `Ask a superuser to run once: psql -d ${t.db} -c 'CREATE EXTENSION postgis;'  (or make the role the database owner on PostgreSQL 13+, where PostGIS is a trusted extension, or use a role with the right).`;
  } else {
    return `The database could not be opened: ${msg}${err.detail ? `\nDETAIL: ${err.detail}` : ''}${err.hint ? `\nHINT: ${err.hint}` : ''}`;
  }
  return [
    cause,
    `Fix: ${fix}`,
    `PostgreSQL said: ${msg}`,
    err.detail ? `DETAIL: ${err.detail}` : '',
    err.hint ? `HINT: ${err.hint}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}
