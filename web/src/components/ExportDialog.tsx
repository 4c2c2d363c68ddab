// Asks for the purpose and the recipient of an export (both go into the audit log with the filters and
// the number of records), then runs it. Modal; Escape or Cancel closes it.
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/client';
import type { Stated } from '../api/exports';

export interface ExportFormat {
  value: string;
  label: string;
}

export function ExportDialog({
  title,
  description,
  formats,
  children,
  onExport,
  onClose,
}: {
  title: string;
  /** What will be exported (filters, role limits), in words. */
  description: React.ReactNode;
  formats: ExportFormat[];
  /** Extra options (e.g. "only the current map view"). */
  children?: React.ReactNode;
  onExport: (stated: Stated, format: string) => Promise<string>;
  onClose: () => void;
}) {
  const [purpose, setPurpose] = useState('');
  const [recipient, setRecipient] = useState('');
  const [format, setFormat] = useState(formats[0].value);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const first = useRef<HTMLTextAreaElement>(null);
  useEffect(() => first.current?.focus(), []);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setDone(await onExport({ purpose: purpose.trim(), recipient: recipient.trim() }, format));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <form
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="export-title"
        data-testid="export-dialog"
        onSubmit={submit}
      >
        <h2 id="export-title">{title}</h2>
        <div className="hint">{description}</div>
        <p className="hint">
          The export is recorded in the audit log with its purpose, recipient, filters and number of records.
        </p>
        <label className="field">
          Purpose
          <textarea
            ref={first}
            required
            minLength={3}
            maxLength={500}
            rows={2}
            value={purpose}
            placeholder="e.g. ward briefing for the Community Safety Partnership meeting"
            onChange={(e) => setPurpose(e.target.value)}
            data-testid="export-purpose"
          />
        </label>
        <label className="field">
          Recipient
          <input
            required
            minLength={2}
            maxLength={200}
            value={recipient}
            placeholder="person or organisation receiving the file"
            onChange={(e) => setRecipient(e.target.value)}
            data-testid="export-recipient"
          />
        </label>
        {formats.length > 1 && (
          <label className="field">
            Format
            <select value={format} onChange={(e) => setFormat(e.target.value)} data-testid="export-format">
              {formats.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
            </select>
          </label>
        )}
        {children}
        {error && (
          <p className="error-text" role="alert" data-testid="export-error">
            {error}
          </p>
        )}
        {done && (
          <p className="ok-text" role="status" data-testid="export-done">
            Downloaded {done}.
          </p>
        )}
        <div className="modal-actions">
          <button type="button" onClick={onClose} data-testid="export-cancel">
            {done ? 'Close' : 'Cancel'}
          </button>
          <button type="submit" className="primary" disabled={busy} data-testid="export-submit">
            {busy ? 'Exporting…' : 'Export'}
          </button>
        </div>
      </form>
    </div>
  );
}
