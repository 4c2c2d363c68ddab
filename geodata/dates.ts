// Dates in incident files, normalised to Europe/London civil time ("YYYY-MM-DD HH:MM:SS") with
// an explicit precision: 'month' (police.uk), 'day', or 'minute'.
export type TimePrecision = 'month' | 'day' | 'minute';
export interface When {
  civil: string;
  precision: TimePrecision;
}

const pad = (n: number) => String(n).padStart(2, '0');

function validYmd(y: number, m: number, d: number) {
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** An absolute instant → Europe/London civil time. */
export function instantToLondon(ms: number): string {
  const p = Object.fromEntries(londonParts.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

const RE_MONTH = /^(\d{4})-(\d{1,2})$/;
const RE_ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;
const RE_UK = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const RE_TIME = /^(\d{1,2}):?(\d{2})(?::(\d{2}))?$/;

/** Parse a date (and optional separate time). Returns a When, or an error message. */
export function parseWhen(dateRaw: string, timeRaw?: string): When | string {
  const s = dateRaw.trim();
  if (!s) return 'empty date';
  let m = RE_MONTH.exec(s);
  if (m) {
    const y = +m[1],
      mo = +m[2];
    if (!validYmd(y, mo, 1)) return `bad month "${s}"`;
    if (timeRaw?.trim()) return `a time was given with a month-only date "${s}"`;
    return { civil: `${y}-${pad(mo)}-01 00:00:00`, precision: 'month' };
  }
  let y: number,
    mo: number,
    d: number,
    hh: number | undefined,
    mi: number | undefined,
    ss = 0,
    tz: string | undefined;
  if ((m = RE_ISO.exec(s))) {
    [y, mo, d] = [+m[1], +m[2], +m[3]];
    if (m[4] !== undefined) [hh, mi, ss] = [+m[4], +m[5], m[6] ? +m[6] : 0];
    tz = m[7];
  } else if ((m = RE_UK.exec(s))) {
    [d, mo, y] = [+m[1], +m[2], +m[3]];
    if (m[4] !== undefined) [hh, mi, ss] = [+m[4], +m[5], m[6] ? +m[6] : 0];
  } else {
    return `unrecognised date "${s.slice(0, 40)}" (use YYYY-MM, YYYY-MM-DD, DD/MM/YYYY, optionally with HH:MM)`;
  }
  if (!validYmd(y, mo, d)) return `not a real date "${s}"`;
  const t = timeRaw?.trim();
  if (t) {
    if (hh !== undefined) return 'time given twice (in the date and in the time column)';
    const tm = RE_TIME.exec(t);
    if (!tm) return `unrecognised time "${t.slice(0, 20)}" (use HH:MM)`;
    [hh, mi, ss] = [+tm[1], +tm[2], tm[3] ? +tm[3] : 0];
  }
  if (hh === undefined) return { civil: `${y}-${pad(mo)}-${pad(d)} 00:00:00`, precision: 'day' };
  if (hh > 23 || mi! > 59 || ss > 59) return `bad time in "${s}${t ? ' ' + t : ''}"`;
  if (tz) {
    const off = tz.toUpperCase() === 'Z' ? 0 : (tz[0] === '-' ? -1 : 1) * (+tz.slice(1, 3) * 60 + +tz.slice(-2));
    const ms = Date.UTC(y, mo - 1, d, hh, mi!, ss) - off * 60_000;
    return { civil: instantToLondon(ms), precision: 'minute' };
  }
  return { civil: `${y}-${pad(mo)}-${pad(d)} ${pad(hh)}:${pad(mi!)}:${pad(ss)}`, precision: 'minute' };
}
