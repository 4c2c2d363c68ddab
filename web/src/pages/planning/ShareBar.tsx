// A horizontal share bar (0..1) in SVG: attributes, not inline styles (the app's CSP refuses style attributes).
export function ShareBar({
  value,
  width = 120,
  colour = '#0072B2',
  label,
}: {
  value: number | null;
  width?: number;
  colour?: string;
  label: string;
}) {
  const w = value === null ? 0 : Math.max(0, Math.min(1, value)) * width;
  return (
    <svg className="share-bar" width={width} height={10} role="img" aria-label={label}>
      <rect x={0} y={0} width={width} height={10} fill="#e7ebef" />
      {value !== null && <rect x={0} y={0} width={w} height={10} fill={colour} />}
    </svg>
  );
}
