// A grade record as a file: the result with its provenance, the
// specification it was graded against and the submission's files, in one
// JSON document (protocol's GradeRecordFile). `classpod-grade --record`
// writes one, the hub exports one per stored grade, `classpod-grade --rerun`
// reads one. Reading validates the schema and that the specification is the
// one the result names, so an edited file is refused rather than trusted.

import { readFileSync, statSync } from 'node:fs';
import { GradeRecordFile, ProtocolError, validator, type GradeResult, type GradingSpec, type GradeRecordFile as GradeRecordFileType } from '@classpod/protocol';
import { formatBytes } from '@classpod/protocol';
import { hashValue } from './hashes';

const checkRecordFile = validator(GradeRecordFile);

/** Largest record file read (bytes): the sources are at most 16 MiB, base64 and the spec's data add to that. */
export const MAX_RECORD_FILE_BYTES = 128 * 1024 * 1024;

/** A record file that cannot be used, said so a person can act on it. */
export class GradeRecordError extends Error {}

/** The record file of a graded submission. */
export function gradeRecordFile(
  result: GradeResult,
  spec: GradingSpec,
  files: Iterable<[string, Uint8Array]>,
  extra: Pick<GradeRecordFileType, 'submissionId' | 'recordId' | 'official'> = {},
): GradeRecordFileType {
  return {
    format: 'classpod-grade-record',
    version: 1,
    ...extra,
    result,
    spec,
    files: [...files].map(([path, content]) => ({ path, contentBase64: Buffer.from(content).toString('base64') })),
  };
}

/** Parse and check a record file's text; `name` names it in errors. */
export function parseGradeRecordFile(text: string, name: string): GradeRecordFileType {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new GradeRecordError(`${name} is not JSON: ${(err as Error).message}`);
  }
  let record: GradeRecordFileType;
  try {
    record = checkRecordFile.assert(json, name);
  } catch (err) {
    if (err instanceof ProtocolError) throw new GradeRecordError(`${name} is not a grade record: ${err.message}`);
    throw err;
  }
  if (hashValue(record.spec) !== record.result.specHash) {
    throw new GradeRecordError(`${name}: its specification is not the one its result was graded against (specHash ${record.result.specHash}); the file was changed`);
  }
  return record;
}

/** Read a record file, its size checked first. */
export function readGradeRecordFile(file: string): GradeRecordFileType {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new GradeRecordError(`${file} is not a file`);
    size = st.size;
  } catch (err) {
    if (err instanceof GradeRecordError) throw err;
    throw new GradeRecordError(`${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (size > MAX_RECORD_FILE_BYTES) throw new GradeRecordError(`${file} is ${formatBytes(size)}; a record file may hold at most ${formatBytes(MAX_RECORD_FILE_BYTES)}`);
  return parseGradeRecordFile(readFileSync(file, 'utf8'), file);
}

/** The submission files of a record, decoded. */
export function recordFiles(record: GradeRecordFileType): [string, Buffer][] {
  return record.files.map((f) => [f.path, Buffer.from(f.contentBase64, 'base64')]);
}
