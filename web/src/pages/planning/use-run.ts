// A planning tool's result (coverage, patrol boxes, outreach sites): fetched through TanStack Query when
// the user runs it, with the inputs it was run with (the form may change meanwhile). Running again with the
// same inputs fetches again; new incidents refetch the shown result (the live feed invalidates every
// cached answer); the previous result stays on screen while a new one loads. The map counts the request
// as "not idle" while it runs.
import { useState } from 'react';
import { hashKey, keepPreviousData } from '@tanstack/react-query';
import type { ContractRoute } from '../../../../contract/http';
import type { CallInput } from '../../api/call';
import { useRoute } from '../../api/query';
import type { PlanningMapController } from './PlanningMapController';
import { useMapBusy } from './use-planning-map';

export function useRun<R extends ContractRoute>(route: R, controller: PlanningMapController | null) {
  const [input, setInput] = useState<CallInput<R> | null>(null);
  const result = useRoute(route, input, { placeholderData: keepPreviousData });
  useMapBusy(controller, result.isFetching);
  const run = (next: CallInput<R>) => {
    if (input && hashKey([next]) === hashKey([input])) void result.refetch();
    else setInput(next);
  };
  return { result, input, run };
}
