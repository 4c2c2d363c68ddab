// An address the app does not have: says so, with a way back to the map (client-side navigation).
import { navigate } from '../state/view-store';

export function NotFound({ path }: { path: string }) {
  return (
    <div className="not-found" data-testid="not-found">
      <h1>Page not found</h1>
      <p>
        There is no page at <code>{path}</code>. The address may be mistyped, or the link may be from an older version.
      </p>
      <p>
        <a
          href="/"
          data-testid="not-found-map"
          onClick={(e) => {
            if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
            e.preventDefault();
            navigate('/');
          }}
        >
          Go to the map
        </a>
      </p>
    </div>
  );
}
