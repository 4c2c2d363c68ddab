// Administration: the partner disclosure threshold (counts below it are withheld from partners).
import { useEffect, useState } from 'react';
import * as auth from '../../../../contract/auth';
import { useRoute, useRouteMutation } from '../../api/query';
import { useAction } from '../../lib/use-action';

export function SettingsPage() {
  const settings = useRoute(auth.getSettings, { query: {} });
  const put = useRouteMutation(auth.putSettings, [auth.getSettings]);
  const [min, setMin] = useState('');
  const action = useAction();
  useEffect(() => {
    if (settings.data) setMin(String(settings.data.partner_min_count));
  }, [settings.data]);

  const save = (e: React.FormEvent) => {
    e.preventDefault();
    void action.run(
      () => put.mutateAsync({ body: { partner_min_count: Number(min) } }),
      (s) => `Saved: partners see counts of ${s.partner_min_count} or more.`,
    );
  };

  return (
    <div className="admin-page" data-testid="settings-page">
      <h1>Settings</h1>
      {settings.error && <p className="error-text">{settings.error.message}</p>}
      <form className="panel admin-form" onSubmit={save}>
        <h2 className="panel-title">Partner disclosure threshold</h2>
        <p className="hint">
          Partners see aggregates only. Counts below this number are withheld, together with enough other counts that the withheld
          ones cannot be worked out from totals. Derived values (rates, change) are withheld with them.
        </p>
        <label className="field field-narrow">
          Smallest count shown to partners
          <input
            type="number"
            min={2}
            max={100}
            required
            value={min}
            onChange={(e) => setMin(e.target.value)}
            data-testid="settings-min-count"
          />
        </label>
        {action.error && (
          <p className="error-text" role="alert">
            {action.error}
          </p>
        )}
        {action.note && (
          <p className="ok-text" role="status" data-testid="settings-saved">
            {action.note}
          </p>
        )}
        <button type="submit" className="primary" disabled={action.busy || !settings.data} data-testid="settings-save">
          Save
        </button>
      </form>
    </div>
  );
}
