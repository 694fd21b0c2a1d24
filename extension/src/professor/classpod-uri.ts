// Addresses of read-only documents on the `classpod:` scheme: a file of a
// submission, a starter file of an assignment, or an empty file (the other
// side of a diff when a file exists on one side only). The path reads like a
// place in the class so editor tabs and tooltips say whose file it is.
//
//   classpod:/submissions/<course>/<assignment>/<student>/<submissionId>/<path>
//   classpod:/starter/<course>/<assignment>/<path>
//   classpod:/empty/<path>
//   classpod:/preview/<course>/<assignment>/<path>   what an assignment upload would give students
//   classpod:/audit/<course>/<path>                  a course's audit log (professors)

export const CLASSPOD_SCHEME = 'classpod';

export type ClasspodDocument =
  | { kind: 'submission'; courseId: string; assignmentId: string; studentId: string; submissionId: string; path: string }
  | { kind: 'starter'; courseId: string; assignmentId: string; path: string }
  | { kind: 'empty'; path: string }
  | { kind: 'preview'; courseId: string; assignmentId: string; path: string }
  | { kind: 'audit'; courseId: string; path: string };

/** A classpod document's URI path (the part after `classpod:`). Segments are percent-encoded. */
export function documentPath(doc: ClasspodDocument): string {
  const file = doc.path.split('/').map(encodeURIComponent).join('/');
  switch (doc.kind) {
    case 'submission':
      return `/submissions/${[doc.courseId, doc.assignmentId, doc.studentId, doc.submissionId].map(encodeURIComponent).join('/')}/${file}`;
    case 'starter':
      return `/starter/${encodeURIComponent(doc.courseId)}/${encodeURIComponent(doc.assignmentId)}/${file}`;
    case 'empty':
      return `/empty/${file}`;
    case 'preview':
      return `/preview/${encodeURIComponent(doc.courseId)}/${encodeURIComponent(doc.assignmentId)}/${file}`;
    case 'audit':
      return `/audit/${encodeURIComponent(doc.courseId)}/${file}`;
  }
}

/** Read a URI path back; throws an error naming the problem when it is no classpod document. */
export function parseDocumentPath(path: string): ClasspodDocument {
  const parts = path.split('/').slice(1).map((p) => decodeURIComponent(p));
  const [root, ...rest] = parts;
  const need = (n: number): void => {
    if (rest.length < n || rest.slice(n).join('/') === '') throw new Error(`classpod:${path} does not name a file`);
  };
  switch (root) {
    case 'submissions':
      need(4);
      return { kind: 'submission', courseId: rest[0]!, assignmentId: rest[1]!, studentId: rest[2]!, submissionId: rest[3]!, path: rest.slice(4).join('/') };
    case 'starter':
      need(2);
      return { kind: 'starter', courseId: rest[0]!, assignmentId: rest[1]!, path: rest.slice(2).join('/') };
    case 'empty':
      need(0);
      return { kind: 'empty', path: rest.join('/') };
    case 'preview':
      need(2);
      return { kind: 'preview', courseId: rest[0]!, assignmentId: rest[1]!, path: rest.slice(2).join('/') };
    case 'audit':
      need(1);
      return { kind: 'audit', courseId: rest[0]!, path: rest.slice(1).join('/') };
    default:
      throw new Error(`classpod:${path} is neither a submission, a starter, a preview, an audit log nor an empty file`);
  }
}
