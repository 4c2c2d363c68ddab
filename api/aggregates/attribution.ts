// Open Government Licence attribution that every screen showing the loaded data must carry
// (shared/data/SOURCES.md, "Required attribution"): police.uk crime data, ONS boundaries, Census 2021.
export const ATTRIBUTION: readonly string[] = Object.freeze([
  'Contains public sector information licensed under the Open Government Licence v3.0.',
  'Crime data: data.police.uk (Home Office / Metropolitan Police Service / City of London Police).',
  'Boundaries: Source: Office for National Statistics licensed under the Open Government Licence v.3.0.',
  'Contains OS data © Crown copyright and database right 2022. Ward boundaries also from London Borough of Lewisham (OGL v3).',
  'Population: ONS Census 2021 (OGL v3).',
]);
