// Where the grader VM test finds the repository's parts (this file is
// vm-images/dist/test/repo-paths.js once built).

import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const VM_IMAGES_DIR = path.join(REPO_ROOT, 'vm-images');
export const DEMO_COURSE_DIR = path.join(REPO_ROOT, 'examples', 'demo-course');
