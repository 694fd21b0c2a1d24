// How a count reads for a person: "1 file", "3 files", "0 hidden tests",
// "1 machine", "2 people". One helper for every package, so no message says
// "file(s)".

/**
 * `count` followed by the noun, singular for exactly one and plural otherwise;
 * the plural is the singular with an "s" unless given (`plural(2, 'person', 'people')`).
 */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
