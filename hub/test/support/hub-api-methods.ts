// Shared by the API tests: which methods are the hub's, and an assignment
// folder in the shape `assignments/upsert` takes.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Method name prefixes of the hub API (protocol/src/methods/{courses,assignments,submissions,cluster,versions,rosters,invites,gradebook,feedback,regrade-requests,help,rubrics,similarity,late-days}.ts). */
export const HUB_API_PREFIXES = ['people/', 'courses/', 'assignments/', 'deadlines/', 'submissions/', 'results/', 'scores/', 'grades/', 'workspaces/', 'cluster/', 'audit/', 'versions/', 'rosters/', 'invites/', 'feedback/', 'regradeRequests/', 'help/', 'rubrics/', 'similarity/', 'lateDays/', 'groups/'];

/** Files of a folder as `assignments/upsert` takes them. */
export function folderAsUpload(dir: string): Array<{ path: string; contentBase64: string }> {
  const out: Array<{ path: string; contentBase64: string }> = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ path: relative(dir, p), contentBase64: readFileSync(p).toString('base64') });
    }
  };
  walk(dir);
  return out;
}

