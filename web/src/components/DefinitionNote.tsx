// The partnership's current definition of serious violence in words (GET /api/definitions/serious-violence),
// shown beside a "serious violence" choice on pages whose results do not carry a legend of their own
// (planning, CHB). The results state the version they used (meta.category_set) as well: ResultStatement,
// with the harm scheme they were weighed by (its edition, derived source, offence mix and the categories
// whose composition is unknown, issue 18).
import type { CategorySetMeta } from '../../../contract/definitions';
import type { SchemeMeta } from '../../../contract/hotspots';
import { getDefinition } from '../../../contract/definitions';
import { useRoute } from '../api/query';
import { describeCategorySet, describeScheme, schemeDetails } from '../map/prepare/hotspots';

export function DefinitionNote({ shown }: { shown: boolean }) {
  const def = useRoute(getDefinition, shown ? { query: {} } : null, { staleTime: 60_000 });
  if (!shown || !def.data) return null;
  return (
    <ul className="hint definition-note" data-testid="definition-note">
      {describeCategorySet(def.data.definition).map((l) => (
        <li key={l}>{l}</li>
      ))}
    </ul>
  );
}

/** The lines a result states about how it was computed: the harm scheme and, when one was used, the category set. */
export function statementLines(
  scheme: { name: string; label: string } | null | undefined,
  set?: CategorySetMeta | null,
): string[] {
  const lines: string[] = [];
  if (scheme) {
    const s = scheme as SchemeMeta;
    lines.push(`Harm scheme: ${s.version ? describeScheme(s) : s.label}`, ...schemeDetails(s));
  }
  if (set) lines.push(...describeCategorySet(set));
  return lines;
}

/** A result's legend lines (statementLines) as a list. */
export function ResultStatement({
  scheme,
  set,
  testid,
}: {
  scheme?: { name: string; label: string } | null;
  set?: CategorySetMeta | null;
  testid: string;
}) {
  const lines = statementLines(scheme, set);
  if (!lines.length) return null;
  return (
    <ul className="hint result-statement" data-testid={testid}>
      {lines.map((l) => (
        <li key={l}>{l}</li>
      ))}
    </ul>
  );
}
