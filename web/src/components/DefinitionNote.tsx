// The partnership's current definition of serious violence in words (GET /api/definitions/serious-violence),
// shown beside a "serious violence" choice on pages whose results do not carry a legend of their own
// (planning, CHB). The results state the version they used (meta.category_set) as well.
import { getDefinition } from '../../../contract/definitions';
import { useRoute } from '../api/query';
import { describeCategorySet } from '../map/prepare/hotspots';

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
