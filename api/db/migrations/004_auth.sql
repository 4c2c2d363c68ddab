-- Accounts, sessions, API tokens, settings and the append-only audit log (issue 3).
-- Secrets (session ids, API tokens, setup tokens) are stored only as SHA-256 hashes; passwords as scrypt.

CREATE TABLE users (
  id            serial PRIMARY KEY,
  email         text NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
  name          text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
  role          text NOT NULL CHECK (role IN ('admin', 'analyst', 'officer', 'partner')),
  -- scrypt$N$r$p$salt$hash; NULL = cannot sign in with a password (token-only account).
  password_hash text,
  -- Officers: ward codes where record-level points are visible. NULL = the whole study area.
  area_codes    text[],
  -- Accounts made by `npm run demo`: exist only for the synthetic demo.
  demo          boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  created_by    text,
  disabled_at   timestamptz
);

CREATE TABLE sessions (
  id_hash      text PRIMARY KEY,             -- sha256 of the cookie value
  user_id      integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz,
  ip           text,
  user_agent   text
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
  id           serial PRIMARY KEY,
  user_id      integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash   text NOT NULL UNIQUE,         -- sha256 of the token
  prefix       text NOT NULL,                -- first characters, to recognise a token in lists
  scopes       text[] NOT NULL CHECK (scopes <@ ARRAY['read', 'import', 'ingest']::text[] AND cardinality(scopes) > 0),
  label        text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  expires_at   timestamptz,
  revoked_at   timestamptz
);

CREATE TABLE setup_tokens (
  token_hash text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at    timestamptz
);

CREATE TABLE login_attempts (
  id    bigserial PRIMARY KEY,
  at    timestamptz NOT NULL DEFAULT now(),
  email text NOT NULL,
  ip    text NOT NULL,
  ok    boolean NOT NULL
);
CREATE INDEX login_attempts_email ON login_attempts (email, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

CREATE TABLE settings (
  key        text PRIMARY KEY,
  value      jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text
);
INSERT INTO settings (key, value) VALUES ('partner_min_count', '5');

-- DPA 2018 s62 logging: who, when, what, which query, how many records; purpose and recipient of exports.
CREATE TABLE audit_log (
  id           bigserial PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT clock_timestamp(),
  user_id      integer,
  user_email   text,
  role         text,
  via          text NOT NULL CHECK (via IN ('session', 'token', 'cli', 'system', 'anonymous')),
  action       text NOT NULL,
  resource     text NOT NULL,
  query        jsonb,
  record_count integer,
  purpose      text,
  recipient    text,
  ip           text,
  outcome      text NOT NULL DEFAULT 'ok'
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user ON audit_log (user_email, at);
CREATE INDEX audit_log_action ON audit_log (action, at);

-- Append-only: no UPDATE, DELETE or TRUNCATE, whoever asks.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
