// Addresses of read-only documents on the `classpod-version:` scheme: one file
// of a recorded version, or an empty file (the other side of a diff when the
// older version lacks the file). A version never changes, so a document at
// such an address never changes either.
//
//   classpod-version:/version/<versionId>/<path>
//   classpod-version:/empty/<path>

export const VERSION_SCHEME = 'classpod-version';

export type VersionDocument = { kind: 'version'; versionId: string; path: string } | { kind: 'empty'; path: string };

/** The URI path (after `classpod-version:`), segments percent-encoded. */
export function versionDocumentPath(doc: VersionDocument): string {
  const file = doc.path.split('/').map(encodeURIComponent).join('/');
  return doc.kind === 'version' ? `/version/${encodeURIComponent(doc.versionId)}/${file}` : `/empty/${file}`;
}

/** Read a URI path back; throws an error naming the problem when it names no version's file. */
export function parseVersionDocumentPath(path: string): VersionDocument {
  const [root, ...rest] = path.split('/').slice(1).map((p) => decodeURIComponent(p));
  if (root === 'version' && rest.length >= 2 && rest.slice(1).join('/') !== '') return { kind: 'version', versionId: rest[0]!, path: rest.slice(1).join('/') };
  if (root === 'empty' && rest.join('/') !== '') return { kind: 'empty', path: rest.join('/') };
  throw new Error(`${VERSION_SCHEME}:${path} does not name a file of a version`);
}
