// Time profile of a selected cell or area: monthly bars, and the hour-of-week heatmap only where every
// record has a time; otherwise the API's precision note says why it is not drawn (police.uk data have
// the month only) — never a chart that would mislead. Withheld months (partners) are marked, not 0.
import { PROFILE_DAYS as DAYS, type ProfileResponse } from '../../../../../contract/hotspots';
import { heatCells, monthlyBars } from '../../../map/prepare/hotspots';
import { monthLabel } from '../../../lib/months';

const W = 320;
const H = 64;

export function TimeProfile({ profile }: { profile: ProfileResponse }) {
  const { bars, max } = monthlyBars(profile.months, W, H);
  const withheld = profile.months.filter((m) => m.count === null).length;
  return (
    <div className="time-profile" data-testid="time-profile">
      <h3>Monthly incidents</h3>
      {bars.length > 0 && (
        <figure className="profile-months" data-testid="profile-months">
          <svg
            width="100%"
            height={H}
            viewBox={`0 0 ${W} ${H}`}
            preserveAspectRatio="none"
            role="img"
            aria-label={`Monthly counts, maximum ${max ?? 'withheld'}`}
          >
            {bars.map((b) =>
              b.count === null ? (
                <rect key={b.month} x={b.x} y={0} width={b.width} height={H} className="bar-withheld">
                  <title>{`${monthLabel(b.month)}: withheld`}</title>
                </rect>
              ) : (
                <rect key={b.month} x={b.x} y={b.y} width={b.width} height={b.height} className="bar">
                  <title>{`${monthLabel(b.month)}: ${b.count}`}</title>
                </rect>
              ),
            )}
          </svg>
          <figcaption>
            <span>{monthLabel(bars[0].month)}</span>
            <span>
              {max === null ? 'all months withheld' : `max ${max}/month`}
              {withheld > 0 && max !== null ? ` · ${withheld} withheld (hatched)` : ''}
            </span>
            <span>{monthLabel(bars[bars.length - 1].month)}</span>
          </figcaption>
        </figure>
      )}
      {profile.hour_of_week ? (
        <figure className="profile-heat" data-testid="profile-hour-of-week">
          <h3>Hour of week</h3>
          <svg width="100%" viewBox="0 0 264 84" role="img" aria-label="Incidents by day of week and hour">
            {DAYS.map((d, i) => (
              <text key={d} x={0} y={i * 11 + 9} className="heat-label">
                {d}
              </text>
            ))}
            {heatCells(profile.hour_of_week).map((c) => (
              <rect
                key={`${c.day}-${c.hour}`}
                x={24 + c.hour * 10}
                y={c.day * 11}
                width={9.5}
                height={10}
                className={c.shade === null ? 'bar-withheld' : undefined}
                style={c.shade === null ? undefined : { fill: '#b2182b', fillOpacity: 0.06 + c.shade * 0.94 }}
              >
                <title>{`${DAYS[c.day]} ${String(c.hour).padStart(2, '0')}:00 — ${c.count === null ? 'withheld' : c.count}`}</title>
              </rect>
            ))}
          </svg>
        </figure>
      ) : (
        <p className="hint precision-note" data-testid="profile-precision-note">
          {profile.precision_note ?? 'No hour-of-week profile for this selection.'}
        </p>
      )}
      {profile.day_of_week && !profile.hour_of_week && (
        <p className="hint" data-testid="profile-day-of-week">
          By day: {profile.day_of_week.map((d) => `${d.day} ${d.count ?? 'withheld'}`).join(', ')}
        </p>
      )}
    </div>
  );
}
