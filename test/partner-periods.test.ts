// Issue 15: the fixed set of periods partners may ask for (contract/partner-periods.ts), which the server's
// request rule and the web's period picker share.
import { describe, expect, it } from 'vitest';
import {
  asMonth,
  partnerDefaultPeriod,
  partnerPeriodFor,
  partnerPeriodKind,
  partnerPeriodLabel,
  partnerPeriods,
} from '../contract/partner-periods.js';
import { partnerRequestRules } from '../api/auth/disclosure.js';
import { previousWindow } from '../api/aggregates/window.js';

const rules = (q: Record<string, unknown>) => () => partnerRequestRules((k) => q[k]);

describe('partner periods', () => {
  it('are single months, calendar quarters and 12 months ending at a quarter end', () => {
    expect(partnerPeriodKind('2024-06', '2024-07')).toBe('month');
    expect(partnerPeriodKind('2024-12', '2025-01')).toBe('month');
    expect(partnerPeriodKind('2024-04', '2024-07')).toBe('quarter');
    expect(partnerPeriodKind('2024-05', '2024-08')).toBeNull();
    expect(partnerPeriodKind('2024-04', '2025-04')).toBe('year'); // a financial year
    expect(partnerPeriodKind('2024-01', '2025-01')).toBe('year'); // a calendar year
    expect(partnerPeriodKind('2024-03', '2025-03')).toBeNull();
    expect(partnerPeriodKind('2024-01', '2024-03')).toBeNull();
    expect(partnerPeriodKind('2023-01', '2025-01')).toBeNull();
  });

  it('the default is the 12 months to the last whole quarter', () => {
    expect(partnerDefaultPeriod('2025-02')).toEqual({ kind: 'year', from: '2024-01', to: '2025-01' });
    expect(partnerDefaultPeriod('2025-03')).toEqual({ kind: 'year', from: '2024-04', to: '2025-04' });
    expect(partnerDefaultPeriod('2024-12')).toEqual({ kind: 'year', from: '2024-01', to: '2025-01' });
    expect(partnerPeriodFor('2024-03', '2025-03')).toEqual({ kind: 'year', from: '2024-01', to: '2025-01' });
    expect(partnerPeriodFor('2024-04', '2024-07')).toEqual({ kind: 'quarter', from: '2024-04', to: '2024-07' });
  });

  it('the comparisons a partner period derives (the period before, a year earlier) are partner periods too', () => {
    for (const p of partnerPeriods('2019-01', '2025-02')) {
      const prev = previousWindow({ from: `${p.from}-01`, to: `${p.to}-01` });
      expect(partnerPeriodKind(prev.from.slice(0, 7), prev.to.slice(0, 7)), `${p.from}..${p.to}`).toBe(p.kind);
    }
  });

  it('lists every period inside the data, newest first within each kind, with labels', () => {
    const all = partnerPeriods('2024-01', '2025-02');
    expect(all.filter((p) => p.kind === 'month')).toHaveLength(14);
    expect(all.filter((p) => p.kind === 'quarter').map((p) => p.from)).toEqual(['2024-10', '2024-07', '2024-04', '2024-01']);
    expect(all.filter((p) => p.kind === 'year').map((p) => p.from)).toEqual(['2024-01']);
    for (const p of all) expect(partnerPeriodKind(p.from, p.to)).toBe(p.kind);
    expect(partnerPeriodLabel({ kind: 'quarter', from: '2024-04', to: '2024-07' })).toBe('Q2 2024 (Apr–Jun)');
    expect(partnerPeriodLabel({ kind: 'year', from: '2024-04', to: '2025-04' })).toBe('12 months Apr 2024 – Mar 2025');
    expect(asMonth('2024-13')).toBeNull();
    expect(asMonth('2024-02-01')).toBe('2024-02');
  });

  it('the request rule refuses other windows, half windows, several categories and other comparisons', () => {
    expect(rules({ from: '2024-04', to: '2024-07' })).not.toThrow();
    expect(rules({ from: '2024-04-01', to: '2025-04-01', category: 'burglary' })).not.toThrow();
    expect(rules({ category: '@serious-violence' })).not.toThrow();
    expect(rules({ category: ['robbery'] })).not.toThrow();
    expect(rules({ compare: '3m' })).not.toThrow();
    for (const q of [
      { from: '2024-04', to: '2024-06' },
      { from: '2024-04' },
      { to: '2024-06' },
      { from: '2024-04-15', to: '2024-05-01' },
      { category: 'burglary,robbery' },
      { category: ['burglary', 'robbery'] },
      { compare: '28d' },
      { compare: '2m' },
    ])
      expect(rules(q), JSON.stringify(q)).toThrow(/partner/);
    // A series lists single months (each a partner period): any whole months, still one category.
    expect(() => partnerRequestRules((k) => ({ from: '2024-02', to: '2024-06' })[k as 'from'], 'months')).not.toThrow();
    expect(() => partnerRequestRules((k) => ({ from: '2024-02-15' })[k as 'from'], 'months')).toThrow(/whole months/);
    expect(() => partnerRequestRules((k) => ({ category: 'a,b' })[k as 'category'], 'months')).toThrow(/one category/);
  });
});
