// Signed-in requests for integration tests: a real account (scrypt hash in the database), a real
// sign-in through POST /api/session, and the session cookie + CSRF token sent on every request.
import crypto from 'node:crypto';
import { createApp, type Deps } from '../../api/app.js';
import type { Db } from '../../api/db/index.js';
import type { Role } from '../../api/auth/roles.js';
import { createUser } from '../../api/auth/store.js';

export const TEST_PASSWORD = 'correct horse battery staple';

type App = ReturnType<typeof createApp>;

export interface Client {
  app: App;
  email: string;
  userId: number;
  cookie: string;
  csrf: string;
  request(url: string, init?: RequestInit): Promise<Response>;
}

/** GET `url` as `client`: the status and the parsed JSON body. */
export async function getJson(client: Client, url: string): Promise<{ status: number; body: any }> {
  const res = await client.request(url);
  return { status: res.status, body: await res.json() };
}

export function uniqueEmail(role: string) {
  return `${role}-${crypto.randomBytes(5).toString('hex')}@test.invalid`;
}

/** The session cookie (name=value) from a response's Set-Cookie. */
export function sessionCookie(res: Response): string | null {
  const all = res.headers.getSetCookie?.() ?? [res.headers.get('set-cookie') ?? ''];
  const c = all.find((s) => s.startsWith('sp_session='));
  return c ? c.split(';')[0] : null;
}

export async function signIn(app: App, email: string, password = TEST_PASSWORD, headers: Record<string, string> = {}) {
  return app.request('/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });
}

/** A client signed in as a new account with `role` (officers: `areaCodes` limits their record-level view). */
export async function clientFor(
  app: App,
  db: Db,
  role: Role,
  opts: { areaCodes?: string[] | null; email?: string } = {},
): Promise<Client> {
  const email = opts.email ?? uniqueEmail(role);
  const user = await createUser(db, {
    email,
    role,
    password: TEST_PASSWORD,
    areaCodes: opts.areaCodes ?? null,
    createdBy: 'test',
  });
  const res = await signIn(app, email);
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = sessionCookie(res)!;
  const { csrf } = (await res.json()) as { csrf: string };
  return {
    app,
    email,
    userId: user.id,
    cookie,
    csrf,
    async request(url, init = {}) {
      const h = new Headers(init.headers);
      h.set('cookie', cookie);
      if (init.method && !['GET', 'HEAD'].includes(init.method)) h.set('x-csrf-token', csrf);
      return app.request(url, { ...init, headers: h });
    },
  };
}

/** A new account with `role` and password TEST_PASSWORD (browser tests sign in with it). */
export async function createAccount(
  db: Db,
  role: Role,
  areaCodes: string[] | null = null,
): Promise<{ email: string; password: string }> {
  const email = uniqueEmail(role);
  await createUser(db, { email, role, password: TEST_PASSWORD, areaCodes, createdBy: 'browser-test' });
  return { email, password: TEST_PASSWORD };
}

/** An app and a signed-in client in one step (the common case in API tests). */
export async function signedInApp(db: Db, config: Deps['config'], role: Role = 'analyst', opts: { webRoot?: string } = {}) {
  const app = createApp({ db, config }, opts);
  return clientFor(app, db, role);
}
