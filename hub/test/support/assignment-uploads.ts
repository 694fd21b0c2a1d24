// Assignment folders as a professor uploads them, for tests that need the
// demo's c-sum assignment with an assignment.yaml of their own.

import { join } from 'node:path';
import { folderAsUpload } from './hub-api-methods';
import { DEMO_COURSE_DIR } from './test-hub';

const C_SUM = join(DEMO_COURSE_DIR, 'assignments/c-sum');

/** The c-sum folder with its assignment.yaml replaced. */
export function cSumWith(yaml: string): Array<{ path: string; contentBase64: string }> {
  return [...folderAsUpload(C_SUM).filter((f) => f.path !== 'assignment.yaml'), { path: 'assignment.yaml', contentBase64: Buffer.from(yaml).toString('base64') }];
}
