// A small SVG line of monthly counts; the current period is shaded, the previous period drawn lighter.
import { monthLabel } from '../../lib/months';
import { sparklinePoints, type MonthCount } from '../../lib/series';

export function Sparkline({ months, currentFrom, width = 360, height = 56 }: { months: MonthCount[]; currentFrom: string; width?: number; height?: number }) {
  if (months.length === 0) return null;
  const pts = sparklinePoints(
    months.map((m) => m.count),
    width,
    height,
    3,
  );
  const split = Math.max(0, months.findIndex((m) => m.month >= currentFrom));
  const max = Math.max(...months.map((m) => m.count));
  const path = (p: [number, number][]) => p.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  const x0 = pts[split]?.[0] ?? 0;
  return (
    <figure className="sparkline" data-testid="sparkline">
      <svg width="100%" height={height} viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={`Monthly counts, maximum ${max}`}>
        <rect x={x0} y={0} width={width - x0} height={height} className="sparkline-current" />
        <polyline points={path(pts.slice(0, split + 1))} className="sparkline-previous" />
        <polyline points={path(pts.slice(split))} className="sparkline-line" />
      </svg>
      <figcaption>
        <span>{monthLabel(months[0].month)}</span>
        <span>max {max}/month</span>
        <span>{monthLabel(months[months.length - 1].month)}</span>
      </figcaption>
    </figure>
  );
}
