// Baseline and phase counts (or harm) in area, buffer and control, per phase, as grouped SVG bars: light
// = baseline, dark = phase. Withheld values are drawn as an outlined gap labelled "withheld", windows
// without data as one labelled "no data" (issue 11: never a zero-height bar). Plain SVG:
// three groups of six bars need no chart library, and it prints crisply.
import { CHB_REGIONS, type ChbEvaluation } from '../../../../contract/planning';
import { CHB_COLOURS } from '../../map/layers/chb';
import { chbChart, niceMax, PHASE_LABELS, REGION_LABELS } from '../../map/prepare/planning';

const W = 620;
const H = 220;
const PAD = { l: 44, r: 10, t: 14, b: 40 };

export function ChbChart({ ev, measure }: { ev: ChbEvaluation; measure: 'count' | 'harm' }) {
  const { groups, max } = chbChart(ev, measure);
  const top = niceMax(max);
  const plotW = W - PAD.l - PAD.r;
  const plotH = H - PAD.t - PAD.b;
  const groupW = plotW / Math.max(groups.length, 1);
  const barW = Math.min(22, (groupW - 20) / 6);
  const y = (v: number) => PAD.t + plotH - (v / top) * plotH;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * top);
  const fmt = (v: number) => (top >= 10 ? Math.round(v).toLocaleString('en-GB') : v.toFixed(1));
  return (
    <svg
      className="chb-chart"
      viewBox={`0 0 ${W} ${H + 24}`}
      width="100%"
      role="img"
      aria-label={`${measure === 'count' ? 'Counts' : 'Harm'} per phase: baseline and phase, in area, buffer and control`}
      data-testid="chb-chart"
    >
      {ticks.map((t) => (
        <g key={t}>
          <line x1={PAD.l} x2={W - PAD.r} y1={y(t)} y2={y(t)} stroke="#d6dbe0" />
          <text x={PAD.l - 4} y={y(t) + 4} fontSize={10} textAnchor="end" fill="#5b6670">
            {fmt(t)}
          </text>
        </g>
      ))}
      {groups.map((g, gi) => {
        const x0 = PAD.l + gi * groupW + (groupW - barW * 6 - 10) / 2;
        return (
          <g key={g.phase}>
            {g.bars.map((b, bi) => {
              const x = x0 + bi * barW + Math.floor(bi / 2) * 5;
              const colour = CHB_COLOURS[b.region];
              if (b.withheld || b.noData || b.value === null)
                return (
                  <g key={bi}>
                    <rect
                      x={x + 1}
                      y={y(top)}
                      width={barW - 2}
                      height={plotH}
                      fill="none"
                      stroke={colour}
                      strokeDasharray="2 2"
                    />
                    <text
                      x={x + barW / 2}
                      y={PAD.t + plotH - 4}
                      fontSize={8}
                      textAnchor="middle"
                      transform={`rotate(-90 ${x + barW / 2} ${PAD.t + plotH - 4})`}
                      fill="#5b6670"
                    >
                      {b.noData ? 'no data' : 'withheld'}
                    </text>
                  </g>
                );
              return (
                <rect
                  key={bi}
                  x={x + 1}
                  y={y(b.value)}
                  width={barW - 2}
                  height={Math.max(0, PAD.t + plotH - y(b.value))}
                  fill={colour}
                  fillOpacity={b.kind === 'baseline' ? 0.4 : 1}
                  stroke={colour}
                >
                  <title>{`${PHASE_LABELS[g.phase]}, ${REGION_LABELS[b.region]}, ${b.kind}: ${fmt(b.value)}`}</title>
                </rect>
              );
            })}
            <text x={PAD.l + gi * groupW + groupW / 2} y={H - PAD.b + 16} fontSize={12} textAnchor="middle" fontWeight={600}>
              {PHASE_LABELS[g.phase]}
            </text>
          </g>
        );
      })}
      <g transform={`translate(${PAD.l}, ${H + 6})`} fontSize={11}>
        {CHB_REGIONS.map((r, i) => (
          <g key={r} transform={`translate(${i * 120}, 0)`}>
            <rect width={10} height={10} fill={CHB_COLOURS[r]} fillOpacity={0.4} stroke={CHB_COLOURS[r]} />
            <rect x={12} width={10} height={10} fill={CHB_COLOURS[r]} />
            <text x={26} y={9}>
              {REGION_LABELS[r]}
            </text>
          </g>
        ))}
        <text x={370} y={9} fill="#5b6670">
          light = baseline, dark = phase
        </text>
      </g>
    </svg>
  );
}
