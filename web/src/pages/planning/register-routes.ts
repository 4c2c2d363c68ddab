// What a change to the register makes stale: the register list, the intervention and its history
// (TanStack Query refetches those on screen).
import * as contract from '../../../../contract/planning';

export const REGISTER_READS = [contract.listInterventions, contract.getIntervention, contract.interventionHistory] as const;
