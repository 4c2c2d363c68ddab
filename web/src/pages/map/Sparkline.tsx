// A small SVG line of monthly counts; the current period is shaded, the previous period drawn lighter.
// Months without data (not covered: issue 11) and withheld months (partners) break the line rather than
// being drawn as 0; months without data are hatched.
import { monthLabel } from '../../lib/months';
import { gapRuns, lineRuns, sparklineCoords, type MonthCount, type Point2 } from '../../lib/series';

const path = (p: Point2[]) => p.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');

export function Sparkline({
  months,
  currentFrom,
  width = 360,
  height = 56,
}: {
  months: MonthCount[];
  currentFrom: string;
  width?: number;
  height?: number;
}) {
  if (months.length === 0) return null;
  const coords = sparklineCoords(
    months.map((m) => m.count),
    width,
    height,
    3,
  );
  const split = Math.max(
    0,
    months.findIndex((m) => m.month >= currentFrom),
  );
  const shown = months.map((m) => m.count).filter((c): c is number => c !== null);
  const max = shown.length ? Math.max(...shown) : null;
  const gaps = gapRuns(months);
  const noData = gaps.some((g) => g.gap === 'no_data');
  const withheld = gaps.some((g) => g.gap === 'withheld');
  const step = months.length > 1 ? (width - 6) / (months.length - 1) : width;
  const x0 = 3 + split * step;
  const gapX = (i: number) => Math.min(width, Math.max(0, 3 + (i - 0.5) * step));
  return (
    <figure className="sparkline" data-testid="sparkline">
      <svg
        width="100%"
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`Monthly counts, maximum ${max ?? 'withheld'}`}
      >
        <rect x={x0} y={0} width={width - x0} height={height} className="sparkline-current" />
        {gaps
          .filter((g) => g.gap === 'no_data')
          .map((g) => (
            <rect
              key={`g${g.start}`}
              x={gapX(g.start)}
              y={0}
              width={gapX(g.end + 1) - gapX(g.start)}
              height={height}
              className="sparkline-gap"
              data-testid="sparkline-gap"
            >
              <title>
                {g.start === g.end
                  ? monthLabel(months[g.start].month)
                  : `${monthLabel(months[g.start].month)} – ${monthLabel(months[g.end].month)}`}
                : no data
              </title>
            </rect>
          ))}
        {lineRuns(coords.slice(0, split + 1)).map((run, i) => (
          <polyline key={`p${i}`} points={path(run)} className="sparkline-previous" />
        ))}
        {lineRuns(coords.slice(split)).map((run, i) => (
          <polyline key={`c${i}`} points={path(run)} className="sparkline-line" />
        ))}
      </svg>
      <figcaption>
        <span>{monthLabel(months[0].month)}</span>
        <span>
          {max === null
            ? noData && !withheld
              ? 'no data'
              : noData
                ? 'no data or withheld'
                : 'all months withheld'
            : `max ${max}/month`}
          {max !== null && (noData || withheld)
            ? ` · gaps: ${[noData && 'no data', withheld && 'withheld'].filter(Boolean).join(', ')}`
            : ''}
        </span>
        <span>{monthLabel(months[months.length - 1].month)}</span>
      </figcaption>
    </figure>
  );
}
