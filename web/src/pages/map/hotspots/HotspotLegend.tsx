// Legend of the hotspot statistic: its classes (with how many units fall in each), and the statement of
// how it was made — method, neighbourhood, correction, harm scheme, window — taken from the response's
// meta, so the legend always names what produced the map. Playback: the z scale is the same for every
// period (fixed from the whole series); partners see classes and a note that z-scores are withheld.
import { HOT_COLD_COLOURS, HOT_COLD_LABELS, HOT_COLD_ORDER, PARTIAL_OUTLINE } from '../../../map/layers/hotspots';
import { EMERGING_COLOURS, EMERGING_LABELS, EMERGING_ORDER, Z_RAMP } from '../../../map/layers/emerging';
import { CHANGE_COLOURS, CHANGE_LABELS, CHANGE_ORDER } from '../../../map/layers/change';
import { describeScheme, methodStatement, periodLabel } from '../../../map/prepare/hotspots';
import { windowLabel } from '../../../lib/months';
import { withheldNote } from '../../../lib/format';
import type { HotspotInfo } from './use-hotspots';
import type { HotspotView } from './hotspot-url';

function Rows({
  order,
  colours,
  labels,
  counts,
  testId,
}: {
  order: readonly string[];
  colours: Record<string, string>;
  labels: Record<string, string>;
  counts: Record<string, number>;
  testId: string;
}) {
  return (
    <ul className="legend-rows" data-testid={testId}>
      {order.map((k) => (
        <li key={k} data-class={k}>
          <span className="swatch" style={{ background: colours[k] }} />
          {labels[k]}
          <span className="legend-n">{counts[k] ?? 0}</span>
        </li>
      ))}
    </ul>
  );
}

const monthOf = (d: string) => d.slice(0, 7);
const win = (w: { from: string; to: string }) => windowLabel(monthOf(w.from), monthOf(w.to));

export function HotspotLegend({ info, hs, unitLabel }: { info: HotspotInfo; hs: HotspotView; unitLabel: string }) {
  const d = info.data;
  return (
    <div className="panel legend hotspot-legend" data-testid="hotspot-legend">
      <h2 className="panel-title">Legend</h2>
      {!d && (
        <p className="hint">{info.loading ? 'Computing…' : info.error ? 'No statistic (see the message on the map).' : ''}</p>
      )}
      {d?.mode === 'gi' && (
        <section>
          <h3>Gi* hot and cold spots ({unitLabel})</h3>
          <Rows
            order={HOT_COLD_ORDER}
            colours={HOT_COLD_COLOURS}
            labels={HOT_COLD_LABELS}
            counts={info.tally}
            testId="legend-gi-classes"
          />
          <p className="hint">Confidence from the adjusted p-value (&lt; 0.01 / 0.05 / 0.10) and the sign of z.</p>
        </section>
      )}
      {d?.mode === 'emerging' && hs.step === null && (
        <section>
          <h3>Emerging hot spot pattern ({unitLabel})</h3>
          <Rows
            order={EMERGING_ORDER.filter((p) => info.tally[p] || p === 'no_pattern')}
            colours={EMERGING_COLOURS}
            labels={EMERGING_LABELS}
            counts={info.tally}
            testId="legend-emerging-patterns"
          />
          <p className="hint">
            {d.meta.periods.length} {d.meta.period === '28d' ? '28-day' : d.meta.period} periods; trend: Mann–Kendall on each
            unit's z series (α = {d.meta.alpha}).
          </p>
        </section>
      )}
      {d?.mode === 'emerging' && hs.step !== null && (
        <section data-testid="legend-playback">
          <h3>
            Gi* per period ({unitLabel}): {d.meta.periods[hs.step] ? periodLabel(d.meta.periods[hs.step], d.meta.period) : ''}
          </h3>
          {info.zScale ? (
            <div className="z-scale" data-testid="legend-z-scale">
              <div
                className="z-ramp"
                style={{ background: `linear-gradient(to right, ${Z_RAMP.map(([, c]) => c).join(', ')})` }}
              />
              <div className="z-ticks">
                <span>z −{Math.abs(info.zScale[0]).toFixed(1)} (cold)</span>
                <span>0</span>
                <span>+{info.zScale[1].toFixed(1)} (hot)</span>
              </div>
              <p className="hint">
                One fixed scale for all {d.meta.periods.length} periods (the largest |z| in the whole series), so a colour means
                the same z in every period.
              </p>
            </div>
          ) : (
            <>
              <Rows
                order={HOT_COLD_ORDER}
                colours={HOT_COLD_COLOURS}
                labels={HOT_COLD_LABELS}
                counts={info.tally}
                testId="legend-gi-classes"
              />
              <p className="hint">Classes are the same in every period (z-scores are not shown to partners).</p>
            </>
          )}
        </section>
      )}
      {d?.mode === 'change' && (
        <section>
          <h3>
            Change ({unitLabel}), {win(d.meta.window)} vs{' '}
            {hs.vs === 'year_ago' ? `a year earlier (${win(d.meta.year_ago)})` : `the previous window (${win(d.meta.previous)})`}
          </h3>
          <Rows
            order={CHANGE_ORDER.filter((c) => c !== 'withheld' || info.tally.withheld)}
            colours={CHANGE_COLOURS}
            labels={CHANGE_LABELS}
            counts={info.tally}
            testId="legend-change-classes"
          />
        </section>
      )}
      {d && info.partial > 0 && (
        <p className="legend-partial" data-testid="legend-partial">
          <span className="swatch swatch-partial" style={{ borderColor: PARTIAL_OUTLINE.colour }} />
          Dashed outline: cell cut by the study area's boundary, counting only its incidents inside the wards
          <span className="legend-n">{info.partial}</span>
        </p>
      )}
      {d && (
        <div className="method-statement" data-testid="hotspot-method">
          {d.mode === 'change' ? (
            <>
              <p>
                Test: {d.meta.method}, on {d.meta.test_on}
              </p>
              <p>Harm scheme: {describeScheme(d.meta.scheme)}</p>
            </>
          ) : (
            methodStatement(d.meta).map((l) => <p key={l}>{l}</p>)
          )}
          {d.mode !== 'change' && <p>Window: {win(d.meta.window)}</p>}
        </div>
      )}
      {d?.mode === 'gi' && d.meta.scores_withheld && (
        <p className="hint disclosure-note" data-testid="hotspot-scores-withheld">
          Classes only: {d.meta.scores_withheld}
        </p>
      )}
      {d?.meta.disclosure && <p className="hint disclosure-note">{withheldNote(d.meta.disclosure.min_count)}</p>}
    </div>
  );
}
