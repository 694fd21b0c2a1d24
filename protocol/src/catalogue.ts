// The method catalogue as JSON Schema: every method's name, direction,
// description, params and result, generated from the same schemas the
// validators use. `npm run catalogue -w @classpod/protocol` writes it to
// protocol/catalogue.schema.json.

import { methodCatalogue } from './method';
import './methods';

/** The catalogue as one JSON Schema document (draft 2020-12). */
export function catalogueJsonSchema(): Record<string, unknown> {
  const methods: Record<string, unknown> = {};
  const names = [...methodCatalogue().keys()].sort();
  for (const name of names) {
    const m = methodCatalogue().get(name)!;
    methods[name] = {
      kind: m.kind,
      direction: m.direction,
      description: m.description,
      params: m.params,
      ...(m.kind === 'request' ? { result: m.result } : {}),
    };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Classpod protocol method catalogue',
    methods: JSON.parse(JSON.stringify(methods)),
  };
}
