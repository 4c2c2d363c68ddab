export function SyntheticBanner() {
  return (
    <div className="synthetic-banner" role="status" data-testid="synthetic-banner">
      Synthetic demo data — not real crime. Load your own data on the Import page.
    </div>
  );
}
