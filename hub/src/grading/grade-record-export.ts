// A stored grade as a grade record file (protocol's GradeRecordFile): the
// result with its provenance, the exact specification it was graded against
// (kept in the blob store by its hash when the job was leased, so a later
// change of the assignment does not change it) and the snapshot's files.
// `classpod-grade --rerun FILE` grades it again and says whether it matched.

import type { GradeRecordFile, GradeResult, GradingSpec } from '@classpod/protocol';
import type { BlobStore } from '../blobs/blob-store';
import type { Store } from '../store/store';

/** A record that cannot be exported, said so an administrator can act on it. */
export class GradeRecordExportError extends Error {}

/** The record file of submission `submissionId`'s grade `recordId` (default its latest). */
export async function exportGradeRecord(store: Store, blobs: BlobStore, submissionId: string, recordId?: string): Promise<GradeRecordFile> {
  const submission = await store.submissions.get(submissionId);
  if (!submission) throw new GradeRecordExportError(`no submission ${submissionId}`);
  const records = await store.gradeRecords.list(submissionId);
  const record = recordId ? records.find((r) => r.id === recordId) : records[0];
  if (!record) throw new GradeRecordExportError(recordId ? `submission ${submissionId} has no grade record ${recordId}` : `submission ${submissionId} has not been graded yet`);
  // The hub adds the worker's name (and for failures an error) beside the grader's own result.
  const result = JSON.parse(record.resultJson) as GradeResult & { workerId?: string; error?: string };
  delete result.workerId;
  delete result.error;
  const specHex = record.specHash.replace(/^sha256:/, '');
  let spec: GradingSpec;
  try {
    spec = JSON.parse((await blobs.get(specHex)).toString('utf8')) as GradingSpec;
  } catch (err) {
    throw new GradeRecordExportError(`the specification of grade record ${record.id} (${record.specHash}) is missing from the blob store: ${(err as Error).message}`);
  }
  const files = await blobs.readFolder(await blobs.manifest(record.snapshotHash));
  return {
    format: 'classpod-grade-record',
    version: 1,
    submissionId,
    recordId: record.id,
    official: record.official,
    result,
    spec,
    files: files.map((f) => ({ path: f.path, contentBase64: f.content.toString('base64') })),
  };
}
