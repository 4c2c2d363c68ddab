export function ProgressBar({
  value,
  max,
  label,
  testId,
}: {
  value: number | null;
  max: number | null;
  label: string;
  testId: string;
}) {
  const known = value !== null && max !== null && max > 0;
  const pct = known ? Math.min(100, Math.round((value! / max!) * 100)) : null;
  return (
    <div className="progress" data-testid={testId}>
      <div
        className={`progress-track${known ? '' : ' indeterminate'}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct ?? undefined}
        aria-label={label}
      >
        <div className="progress-fill" style={{ width: known ? `${pct}%` : undefined }} />
      </div>
      <span className="progress-label">
        {label}
        {pct !== null ? ` · ${pct}%` : ''}
      </span>
    </div>
  );
}
