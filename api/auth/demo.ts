// The demo login: `npm run demo` makes an analyst account flagged `demo`, with a new random password
// printed on the console. It signs in only while the database holds nothing but the synthetic demo.
import crypto from 'node:crypto';
import type { Queryable } from '../db/index.js';
import { SYNTHETIC_DATASET } from '../../geodata/synthetic.js';
import { hashPassword } from './secrets.js';
import { revokeSessions } from './store.js';

export const DEMO_EMAIL = 'demo@saferplaces.invalid';

/** Creates or resets the demo account; returns its new password. */
export async function ensureDemoLogin(db: Queryable): Promise<string> {
  const password = crypto.randomBytes(12).toString('base64url');
  const hash = await hashPassword(password);
  const [u] = await db.query<{ id: number }>(
    `INSERT INTO users (email, name, role, password_hash, demo, created_by) VALUES ($1, 'Demo analyst', 'analyst', $2, true, 'demo')
     ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, disabled_at = NULL WHERE users.demo
     RETURNING id`,
    [DEMO_EMAIL, hash],
  );
  if (u) await revokeSessions(db, u.id);
  return password;
}

/** True when the database holds any incident that is not synthetic demo data. */
export async function holdsRealData(db: Queryable): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM incidents WHERE dataset <> $1 LIMIT 1', [SYNTHETIC_DATASET]);
  return rows.length > 0;
}

/** True when `npm run demo` made a demo login that can still sign in (not disabled). */
export async function demoLoginExists(db: Queryable): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM users WHERE demo AND disabled_at IS NULL AND password_hash IS NOT NULL LIMIT 1');
  return rows.length > 0;
}
