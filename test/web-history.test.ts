// Browser history of the map view (issue 14): filter, layer and mode changes push an entry, a run of rapid
// changes (a slider drag, typing) is one entry, camera moves replace. `historyAction` is the whole rule.
import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW, formatView, parseView, type ViewState } from '../web/src/state/url-state';
import { COALESCE_MS, historyAction } from '../web/src/state/view-store';

const here = (v: ViewState) => formatView(v);
const withCamera = (v: ViewState, zoom: number): ViewState => ({ ...v, camera: { zoom, lat: 51.45, lng: -0.02 } });

describe('history: push, coalesce, replace', () => {
  const start = withCamera(DEFAULT_VIEW, 12);

  it('a filter change pushes when nothing changed recently', () => {
    const next = { ...start, from: '2017-07' };
    expect(historyAction(here(start), start, next, {}, 10_000, null)).toBe('push');
    expect(historyAction(here(start), start, next, {}, 10_000, 10_000 - COALESCE_MS)).toBe('push');
  });

  it('layer and mode changes push too', () => {
    const layers: ViewState = { ...start, layers: ['outlines'] };
    const mode: ViewState = { ...start, hotspot: { ...start.hotspot, mode: 'gi' } };
    expect(historyAction(here(start), start, layers, {}, 5_000, null)).toBe('push');
    expect(historyAction(here(start), start, mode, {}, 5_000, null)).toBe('push');
  });

  it('changes within the coalescing window replace (one entry for a slider drag)', () => {
    let v = start;
    let last: number | null = null;
    const actions: string[] = [];
    // A drag: a new month every 100 ms for 2 s.
    for (let i = 0; i < 20; i++) {
      const next = { ...v, from: `2017-${String((i % 12) + 1).padStart(2, '0')}` };
      const now = 1_000 + i * 100;
      const a = historyAction(here(v), v, next, {}, now, last);
      actions.push(a);
      if (a !== 'none') last = now;
      v = next;
    }
    expect(actions.filter((a) => a === 'push')).toHaveLength(1);
    expect(actions[0]).toBe('push');
    // After a pause longer than the window, the next change is a new entry.
    const later = { ...v, categories: ['robbery'] };
    expect(historyAction(here(v), v, later, {}, 1_000 + 19 * 100 + COALESCE_MS, last)).toBe('push');
    expect(historyAction(here(v), v, later, {}, 1_000 + 19 * 100 + COALESCE_MS - 1, last)).toBe('replace');
  });

  it('camera moves replace, from the map or alone', () => {
    const moved = withCamera(start, 14);
    expect(historyAction(here(start), start, moved, { source: 'map' }, 9_000, null)).toBe('replace');
    expect(historyAction(here(start), start, moved, {}, 9_000, null)).toBe('replace');
  });

  it('an unchanged URL writes nothing; explicit push/replace win', () => {
    expect(historyAction(here(start), start, { ...start }, {}, 9_000, null)).toBe('none');
    const next = { ...start, metric: 'rate' as const };
    expect(historyAction(here(start), start, next, { push: true }, 9_000, 8_990)).toBe('push');
    expect(historyAction(here(start), start, next, { push: false }, 9_000, null)).toBe('replace');
  });
});

describe('unknown paths', () => {
  it('parse as the not-found page and keep their path', () => {
    const v = parseView('/no-such-page', '?x=1');
    expect(v.page).toBe('notfound');
    expect(v.path).toBe('/no-such-page');
    expect(formatView(v)).toBe('/no-such-page');
  });

  it('known paths are not affected', () => {
    expect(parseView('/', '').page).toBe('map');
    expect(parseView('/admin/users/', '').page).toBe('users');
    expect(parseView('/planning', '').page).toBe('planning');
  });
});
