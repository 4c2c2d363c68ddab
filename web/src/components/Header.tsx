// Top bar: product name, page links (client-side navigation) and what data is loaded.
import type { Summary } from '../api/types';
import { formatCount } from '../lib/format';
import { monthLabel } from '../lib/months';
import { mapPageUrl, navigate } from '../state/view-store';
import type { Page } from '../state/url-state';

function NavLink({ href, active, children, testId }: { href: string; active: boolean; children: React.ReactNode; testId: string }) {
  return (
    <a
      href={href}
      className={active ? 'nav-link active' : 'nav-link'}
      aria-current={active ? 'page' : undefined}
      data-testid={testId}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}

export function Header({ summary, page }: { summary: Summary | null; page: Page }) {
  return (
    <header className="app-header">
      <span className="brand">Saferplaces</span>
      <nav>
        <NavLink href={mapPageUrl()} active={page === 'map'} testId="nav-map">
          Map
        </NavLink>
        <NavLink href="/import" active={page === 'import'} testId="nav-import">
          Import
        </NavLink>
      </nav>
      {summary && summary.incidents > 0 && (
        <span className="data-extent" data-testid="data-extent">
          {formatCount(summary.incidents)} incidents
          {summary.first_month && summary.last_month && ` · ${monthLabel(summary.first_month)} – ${monthLabel(summary.last_month)}`}
        </span>
      )}
    </header>
  );
}
