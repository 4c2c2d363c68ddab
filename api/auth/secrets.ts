// Passwords (scrypt, memory-hard, from Node's crypto) and random secrets (session ids, API tokens,
// setup tokens, CSRF tokens). Only hashes of secrets are stored.
import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (pw: string, salt: Buffer, len: number, opts: crypto.ScryptOptions) => Promise<Buffer>;

// N = 2^15, r = 8: 32 MiB and ~50-100 ms per hash on this hardware (OWASP's scrypt minimum is N=2^17,r=8,p=1
// or equivalents; N=2^15 with r=8 is the Node default family scaled up; parameters are stored per hash
// so they can be raised without breaking old hashes).
const PARAMS = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LEN = 32;

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 200;

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await scrypt(password.normalize('NFKC'), salt, KEY_LEN, { ...PARAMS, maxmem: 128 * PARAMS.N * PARAMS.r * 2 });
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** How many password checks ran in this process (the sign-in limit tests count them). */
export const passwordChecks = { count: 0 };

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  passwordChecks.count++;
  // A missing hash still costs one scrypt, so that unknown accounts take as long as known ones.
  const parts = (stored ?? DUMMY).split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64url');
  const want = Buffer.from(parts[5], 'base64url');
  const got = await scrypt(password.normalize('NFKC'), salt, want.length, { N, r, p, maxmem: 128 * N * r * 2 });
  return stored !== null && crypto.timingSafeEqual(got, want);
}
const DUMMY = `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(KEY_LEN).toString('base64url')}`;

/** A URL-safe random secret with a readable prefix, e.g. `sps_…` for sessions, `spt_…` for API tokens. */
export function newSecret(prefix: string, bytes = 32): string {
  return `${prefix}_${crypto.randomBytes(bytes).toString('base64url')}`;
}

/** The shape of an API token (`newSecret('spt')`): checked before any lookup, in the app, its config and the import CLI. */
export const API_TOKEN_RE = /^spt_[A-Za-z0-9_-]{20,100}$/;

export function sha256(s: string): string {
  return crypto.createHash('sha256').update(s).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
