// Loading an analyst's own harm scheme (issue 4): a CSV with a header `category,weight` and one row per
// police.uk category, POSTed to /api/harm-schemes. The server checks every row; a refused file lists each
// problem with its line. On success the scheme joins the selector and is selected. Only analysts get this
// form (the server refuses everyone else with 403).
import { useState } from 'react';
import { MAX_SCHEME_CHARS, SCHEME_NAME, type HarmScheme } from '../../../../../contract/hotspots';
import { schemeProblems, uploadScheme } from '../../../api/hotspots';
import { formatBytes } from '../../../lib/format';
import { useAction } from '../../../lib/use-action';

/** A scheme name suggested by a file name: "Force harm 2024.csv" → "force-harm-2024". */
export function suggestSchemeName(fileName: string): string {
  return fileName
    .replace(/\.[^.]*$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

export function SchemeUpload({ schemes, onLoaded }: { schemes: HarmScheme[]; onLoaded: (s: HarmScheme) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [label, setLabel] = useState('');
  const [version, setVersion] = useState('');
  const [source, setSource] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  /** Bumped after a load: a new file input (a file input cannot be cleared from React). */
  const [fileKey, setFileKey] = useState(0);
  const action = useAction();
  const existing = schemes.find((s) => s.name === name);
  const nameError =
    name && !SCHEME_NAME.test(name)
      ? 'lower-case letters, digits and hyphens, starting with a letter or digit'
      : existing?.origin === 'shipped'
        ? 'a shipped scheme: choose another name'
        : null;

  const submit = () => {
    if (!file || !name || nameError) return;
    setProblems([]);
    void action.run(
      async () => {
        if (file.size > MAX_SCHEME_CHARS)
          throw new Error(
            `${file.name} is ${formatBytes(file.size)}; a harm scheme CSV may hold at most ${MAX_SCHEME_CHARS.toLocaleString('en-GB')} characters.`,
          );
        try {
          const s = await uploadScheme(await file.text(), {
            name,
            label: label.trim() || undefined,
            version: version.trim() || undefined,
            source: source.trim() || undefined,
          });
          onLoaded(s);
          // Ready for another file; the note below says what was loaded.
          [setName, setLabel, setVersion, setSource].forEach((set) => set(''));
          setFile(null);
          setFileKey((k) => k + 1);
          return s;
        } catch (e) {
          setProblems(schemeProblems(e));
          throw e;
        }
      },
      (s) => `Loaded “${s.label}” (${Object.keys(s.weights).length} categories weighted) from ${file.name} and selected it.`,
    );
  };

  return (
    <details className="scheme-upload" data-testid="scheme-upload">
      <summary>Load a harm scheme from CSV…</summary>
      <form
        className="import-form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <p className="hint">
          A header <code>category,weight</code>, then one row per police.uk category (slug or name, e.g. <code>robbery,3</code>).
          Weights are numbers ≥ 0; categories left out weigh 0.
        </p>
        <input
          key={fileKey}
          type="file"
          aria-label="Harm scheme file (CSV)"
          accept=".csv,text/csv"
          onChange={(e) => {
            const f = e.target.files?.[0] ?? null;
            setFile(f);
            setProblems([]);
            action.setError(null);
            if (f && !name) setName(suggestSchemeName(f.name));
          }}
          data-testid="scheme-file"
        />
        <label className="field">
          <span>Name</span>
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. force-harm-2024"
            maxLength={64}
            required
            data-testid="scheme-name"
          />
        </label>
        {nameError && (
          <p className="error-text" data-testid="scheme-name-error">
            Name: {nameError}
          </p>
        )}
        {existing?.origin === 'user' && <p className="hint">Replaces the loaded scheme “{existing.label}”.</p>}
        <label className="field">
          <span>Label (shown in the list)</span>
          <input value={label} onChange={(e) => setLabel(e.target.value)} maxLength={200} data-testid="scheme-label" />
        </label>
        <label className="field">
          <span>Version</span>
          <input
            value={version}
            onChange={(e) => setVersion(e.target.value)}
            maxLength={64}
            placeholder="user"
            data-testid="scheme-version"
          />
        </label>
        <label className="field">
          <span>Source</span>
          <input
            value={source}
            onChange={(e) => setSource(e.target.value)}
            maxLength={500}
            placeholder="user-supplied CSV"
            data-testid="scheme-source"
          />
        </label>
        <div className="form-actions">
          <button type="submit" disabled={!file || !name || !!nameError || action.busy} data-testid="scheme-submit">
            {action.busy ? 'Loading…' : 'Load scheme'}
          </button>
        </div>
        {action.error && (
          <div className="error-text" role="alert" data-testid="scheme-error">
            {problems.length > 0 ? (
              <>
                <p>
                  {file?.name} was not loaded: {problems.length} problem{problems.length === 1 ? '' : 's'}. Nothing was changed.
                </p>
                <ul data-testid="scheme-problems">
                  {problems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              </>
            ) : (
              <p>{action.error}</p>
            )}
          </div>
        )}
        {action.note && (
          <p className="hint" role="status" data-testid="scheme-loaded">
            {action.note}
          </p>
        )}
      </form>
    </details>
  );
}
