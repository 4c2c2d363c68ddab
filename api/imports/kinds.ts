// What an import can be (the sniffer decides, or the user says).
export type ImportKind = 'police_uk_street' | 'incidents_csv' | 'boundaries' | 'population' | 'population_lookup' | 'population_centroids' | 'schools' | 'hubs' | 'ward_counts';
export const IMPORT_KINDS: ImportKind[] = ['police_uk_street', 'incidents_csv', 'boundaries', 'population', 'population_lookup', 'population_centroids', 'schools', 'hubs', 'ward_counts'];
