// The term-date calendar behind "term time only": add and remove terms, then save the whole calendar
// (PUT replaces it). Read-only for roles that may not edit.
import { useEffect, useState } from 'react';
import { getTermDates, putTermDates, type TermInput as Term } from '../../../../contract/journeys';
import { call } from '../../api/call';
import { useRoute } from '../../api/query';
import { useAction } from '../../lib/use-action';
import { termProblems } from '../../map/prepare/journeys';

/** The same terms in the same order (names and dates). */
const sameTerms = (a: readonly Term[], b: readonly Term[]) =>
  a.length === b.length &&
  a.every((t, i) => t.name === b[i].name && t.starts_on === b[i].starts_on && t.ends_on === b[i].ends_on);

export function TermCalendar({ canEdit, onSaved }: { canEdit: boolean; onSaved: () => void }) {
  const loaded = useRoute(getTermDates, { query: {} });
  const [terms, setTerms] = useState<Term[] | null>(null);
  const save = useAction();
  useEffect(() => {
    if (loaded.data) setTerms(loaded.data.terms);
  }, [loaded.data]);
  const dirty = !!terms && !!loaded.data && !sameTerms(terms, loaded.data.terms);
  const problems = terms ? termProblems(terms) : [];
  const set = (i: number, t: Partial<Term>) => setTerms((ts) => ts!.map((x, j) => (j === i ? { ...x, ...t } : x)));

  return (
    <details className="panel term-calendar" data-testid="term-calendar">
      <summary className="panel-title">Term dates {terms ? `(${terms.length})` : ''}</summary>
      {loaded.error && <p className="error-text">{loaded.error.message}</p>}
      {terms && terms.length === 0 && (
        <p className="hint">No terms entered: with "term time only" nothing can count as school-journey time.</p>
      )}
      {terms && terms.length > 0 && (
        <table className="term-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>First day</th>
              <th>Last day</th>
              {canEdit && <th />}
            </tr>
          </thead>
          <tbody>
            {terms.map((t, i) => (
              <tr key={i} data-testid="term-row">
                <td>
                  {canEdit ? (
                    <input
                      value={t.name}
                      maxLength={100}
                      onChange={(e) => set(i, { name: e.target.value })}
                      data-testid="term-name"
                    />
                  ) : (
                    t.name
                  )}
                </td>
                <td>
                  {canEdit ? (
                    <input
                      type="date"
                      value={t.starts_on}
                      onChange={(e) => set(i, { starts_on: e.target.value })}
                      data-testid="term-start"
                    />
                  ) : (
                    t.starts_on
                  )}
                </td>
                <td>
                  {canEdit ? (
                    <input
                      type="date"
                      value={t.ends_on}
                      onChange={(e) => set(i, { ends_on: e.target.value })}
                      data-testid="term-end"
                    />
                  ) : (
                    t.ends_on
                  )}
                </td>
                {canEdit && (
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => setTerms((ts) => ts!.filter((_, j) => j !== i))}
                      aria-label={`Remove ${t.name || 'term'}`}
                      data-testid="term-remove"
                    >
                      remove
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canEdit && terms && (
        <div className="form-actions">
          <button
            type="button"
            onClick={() => setTerms((ts) => [...ts!, { name: '', starts_on: '', ends_on: '' }])}
            data-testid="term-add"
          >
            Add term
          </button>
          <button
            type="button"
            className="primary"
            disabled={!dirty || problems.length > 0 || save.busy}
            data-testid="term-save"
            onClick={() =>
              save.run(
                () =>
                  call(putTermDates, {
                    query: {},
                    body: { terms: terms.map((t) => ({ name: t.name, starts_on: t.starts_on, ends_on: t.ends_on })) },
                  }),
                (r) => {
                  setTerms(r.terms);
                  onSaved();
                  return `Saved ${r.terms.length} term${r.terms.length === 1 ? '' : 's'}.`;
                },
              )
            }
          >
            {save.busy ? 'Saving…' : 'Save calendar'}
          </button>
        </div>
      )}
      {problems.map((p) => (
        <p key={p} className="error-text">
          {p}
        </p>
      ))}
      {save.error && (
        <p className="error-text" role="alert">
          {save.error}
        </p>
      )}
      {save.note && (
        <p className="ok-text" role="status" data-testid="term-saved">
          {save.note}
        </p>
      )}
    </details>
  );
}
