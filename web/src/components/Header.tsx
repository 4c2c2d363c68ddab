// Top bar: product name, the page links the user's role may open (client-side navigation), what data
// is loaded, and who is signed in.
import type { PublicUser } from '../../../contract/auth';
import { useSession } from '../api/session-store';
import type { Summary } from '../../../contract/aggregates';
import { formatCount } from '../lib/format';
import { monthLabel } from '../lib/months';
import { canOpen } from '../lib/can';
import { mapPageUrl, navigate } from '../state/view-store';
import { PAGE_PATHS, type Page } from '../state/url-state';
import { useEffect, useState } from 'react';
import { UserMenu } from './UserMenu';
import { withPath } from '../lib/live-view';

function NavLink({
  href,
  active,
  children,
  testId,
}: {
  href: string;
  active: boolean;
  children: React.ReactNode;
  testId: string;
}) {
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

const LINKS: { page: Exclude<Page, 'map' | 'setup' | 'notfound'>; label: string }[] = [
  { page: 'journeys', label: 'School routes' },
  { page: 'planning', label: 'Planning' },
  { page: 'chb', label: 'CHB' },
  { page: 'knox', label: 'Near-repeat' },
  { page: 'import', label: 'Import' },
  { page: 'users', label: 'Users' },
  { page: 'settings', label: 'Settings' },
  { page: 'audit', label: 'Audit log' },
];

export function Header({ summary, page, user }: { summary: Summary | null; page: Page; user: PublicUser | null }) {
  const session = useSession();
  // Phones: the links and the user menu fold behind a menu button (CSS shows the button below 700 px).
  const [menuOpen, setMenuOpen] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a page change (a link followed) closes the menu.
  useEffect(() => setMenuOpen(false), [page]);
  return (
    <header className={menuOpen ? 'app-header menu-open' : 'app-header'}>
      <span className="brand">Saferplaces</span>
      {user && (
        <button
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls="app-menu"
          onClick={() => setMenuOpen((o) => !o)}
          data-testid="menu-button"
        >
          {menuOpen ? 'Close menu' : 'Menu'}
        </button>
      )}
      {user && (
        <div className="app-menu" id="app-menu">
          <nav aria-label="Pages">
            <NavLink href={mapPageUrl()} active={page === 'map'} testId="nav-map">
              Map
            </NavLink>
            {/* The presentation and the pack open on the map's current view. */}
            <NavLink href={withPath(mapPageUrl(), PAGE_PATHS.present)} active={page === 'present'} testId="nav-present">
              Present
            </NavLink>
            <NavLink href={withPath(mapPageUrl(), PAGE_PATHS.pack)} active={page === 'pack'} testId="nav-pack">
              Tasking pack
            </NavLink>
            {LINKS.filter((l) => session.status === 'signed-in' && canOpen(session, l.page)).map((l) => (
              <NavLink key={l.page} href={PAGE_PATHS[l.page]} active={page === l.page} testId={`nav-${l.page}`}>
                {l.label}
              </NavLink>
            ))}
          </nav>
          {summary && summary.incidents !== null && summary.incidents > 0 && (
            <span className="data-extent" data-testid="data-extent">
              {formatCount(summary.incidents)} incidents
              {summary.first_month &&
                summary.last_month &&
                ` · ${monthLabel(summary.first_month)} – ${monthLabel(summary.last_month)}`}
            </span>
          )}
          <UserMenu user={user} />
        </div>
      )}
    </header>
  );
}
