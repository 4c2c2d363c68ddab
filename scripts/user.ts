// `npm run user -- <command> ...`: account administration from the shell.
// With the embedded database: through the running app (local endpoint, secret from DATA_DIR/lock.json)
// when the app holds it, else the CLI opens the database itself. With DATABASE_URL: the server directly.
import os from 'node:os';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { configOrExit } from '../api/config.js';
import { openConfiguredDb } from '../api/db/index.js';
import { ApiError } from '../api/errors.js';
import { LOCAL_HEADER, runUserCommand, userCommand, type UserCommand } from '../api/auth/admin.js';
import { ROLES, SCOPES } from '../api/auth/roles.js';
import { acquireLockOrExit, readLock, releaseLock } from '../api/lock.js';

const HELP = `Usage: npm run user -- <command> [options]

Commands:
  add <email> --role <role> [--name <name>] [--area <ward codes, comma-separated>]
        Create an account (roles: ${ROLES.join(', ')}). The password is read from standard input when
        it is not a terminal (e.g. echo "$PW" | npm run user -- add ...), else asked for twice.
        --area limits an officer's record-level view to those wards. --no-password: token-only account.
  token <email> --scope <scope>[,<scope>] [--label <text>] [--days <n>]
        Create an API token (scopes: ${SCOPES.join(', ')}); it is printed once, only its hash is kept.
  list                      Accounts and tokens.
  disable <email> | enable <email>
  password <email>          Set a new password (stdin or prompt); ends the account's sessions.
  sign-out <email>          End every session of the account.
  revoke-token <id>
  setup-link                A new one-time link to create the first admin (only while there are no accounts).
Options: --json (machine-readable output), -h/--help.
Environment: DATA_DIR, DATABASE_URL, PORT (for the setup link).`;

function fail(msg: string, code = 2): never {
  console.error(msg);
  process.exit(code);
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    let s = '';
    for await (const chunk of process.stdin) s += chunk;
    return s.replace(/\r?\n$/, '');
  }
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      const out = rl as unknown as { _writeToOutput: (s: string) => void };
      process.stderr.write(q);
      out._writeToOutput = () => {}; // do not echo the password
      rl.question('', (a) => {
        rl.close();
        process.stderr.write('\n');
        resolve(a);
      });
    });
  const a = await ask('Password: ');
  const b = await ask('Again: ');
  if (a !== b) fail('The passwords differ.');
  return a;
}

async function parse(): Promise<{ cmd: UserCommand; json: boolean }> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        role: { type: 'string' },
        name: { type: 'string' },
        area: { type: 'string' },
        scope: { type: 'string' },
        label: { type: 'string' },
        days: { type: 'string' },
        json: { type: 'boolean' },
        'no-password': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    fail(`${(e as Error).message}\n\n${HELP}`);
  }
  const v = parsed.values;
  const [command, arg] = parsed.positionals;
  if (v.help || !command) {
    console.log(HELP);
    process.exit(v.help ? 0 : 2);
  }
  const raw: Record<string, unknown> = { command };
  if (['add', 'token', 'disable', 'enable', 'password', 'sign-out'].includes(command)) {
    if (!arg) fail(`${command}: give the account's email.\n\n${HELP}`);
    raw.email = arg;
  }
  if (command === 'add') {
    raw.role = v.role;
    if (v.name) raw.name = v.name;
    if (v.area)
      raw.area_codes = v.area
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    if (!v['no-password']) raw.password = await readPassword();
  }
  if (command === 'password') raw.password = await readPassword();
  if (command === 'token') {
    raw.scopes = (v.scope ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (v.label) raw.label = v.label;
    if (v.days) raw.days = Number(v.days);
  }
  if (command === 'revoke-token') raw.id = Number(arg);
  const r = userCommand.safeParse(raw);
  if (!r.success) fail(`${r.error.issues.map((i) => `${i.path.join('.') || 'command'}: ${i.message}`).join('\n')}\n\n${HELP}`);
  return { cmd: r.data, json: !!v.json };
}

function print(cmd: UserCommand, out: Record<string, any>, json: boolean, port: number) {
  if (json) return console.log(JSON.stringify(out, null, 2));
  switch (cmd.command) {
    case 'add':
      return console.log(`Created ${out.user.role} ${out.user.email} (id ${out.user.id}).`);
    case 'token':
      return console.log(`API token ${out.id} (${out.scopes.join(', ')}) — shown once, store it now:\n${out.token}`);
    case 'list':
      for (const u of out.users)
        console.log(
          `${String(u.id).padStart(4)}  ${u.email.padEnd(36)} ${u.role.padEnd(8)} ${u.disabled_at ? 'disabled' : ''}${u.demo ? ' demo' : ''}`,
        );
      for (const t of out.tokens)
        console.log(`token ${t.id} ${t.prefix}… ${t.email} [${t.scopes.join(',')}]${t.revoked_at ? ' revoked' : ''}`);
      return;
    case 'setup-link':
      return console.log(`Create the first admin at: http://localhost:${port}/setup#token=${out.setup_token}`);
    default:
      return console.log(JSON.stringify(out));
  }
}

async function main() {
  const { cmd, json } = await parse();
  const config = configOrExit();
  const actor = `cli:${os.userInfo().username}`;
  if (!config.DATABASE_URL) {
    const held = readLock(config.dataDir);
    if (held?.owner === 'app' && held.port) {
      const host = held.host && held.host !== '0.0.0.0' ? held.host : '127.0.0.1';
      const res = await fetch(`http://${host}:${held.port}/api/local/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [LOCAL_HEADER]: held.secret, 'x-saferplaces-actor': actor },
        body: JSON.stringify(cmd),
      });
      const body = (await res.json()) as Record<string, any>;
      if (!res.ok) fail(`Failed: ${body.error?.message ?? res.statusText}`, 1);
      return print(cmd, body, json, held.port);
    }
  }
  const lock = config.DATABASE_URL ? undefined : acquireLockOrExit(config.dataDir, 'cli');
  const db = await openConfiguredDb(config);
  try {
    print(cmd, await runUserCommand(db, cmd, actor), json, config.PORT);
  } catch (e) {
    if (e instanceof ApiError) fail(`Failed: ${e.message}`, 1);
    throw e;
  } finally {
    await db.close();
    if (lock) releaseLock(lock);
  }
}

main().catch((e) => fail(`user: ${e instanceof Error ? e.message : e}`, 1));
