// A unit's place name from the data (issue 14) with its id as secondary text: "Parkside Avenue, Rushey Green"
// over "89194ad04abffff". Without a name (none in the data, or not loaded yet) the id alone.
import type { PlaceName } from '../../../contract/places';

export function PlaceLabel({ place, id }: { place?: PlaceName | null; id: string }) {
  if (!place?.name) return <span className="mono">{id}</span>;
  return (
    <span className="place-label" title={place.reason ?? undefined}>
      <span className="place-name">{place.name}</span>
      <span className="place-id mono">{id}</span>
    </span>
  );
}
