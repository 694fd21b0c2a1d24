// Storing a validated assignment folder: starter and public files into the
// blob store, the record into the store, its rubric (when it declares one) in
// place of the one stored. Used by the API, the CLI and the demo.

import type { BlobStore } from '../blobs/blob-store';
import type { Assignment } from '../store/records';
import type { Store } from '../store/store';
import type { LoadedAssignment } from './assignment-folder';

/** What storing did: the assignment as stored, and the submissions a new rubric rescored (to announce). */
export interface StoredAssignment {
  assignment: Assignment;
  rescored: string[];
}

export async function storeLoadedAssignment(store: Store, blobs: BlobStore, courseId: string, loaded: LoadedAssignment): Promise<StoredAssignment> {
  const starter = await blobs.putFolder(loaded.starterFiles);
  const publicFiles = await blobs.putFolder(loaded.publicFiles);
  await store.assignments.upsert({
    courseId,
    id: loaded.id,
    title: loaded.title,
    description: loaded.description,
    opensAt: loaded.opensAt,
    dueAt: loaded.dueAt,
    penaltyPercentPerDay: loaded.penaltyPercentPerDay,
    cutoffAt: loaded.cutoffAt,
    specJson: JSON.stringify(loaded.spec),
    publicSpecJson: JSON.stringify(loaded.publicSpec),
    starterManifest: starter.manifest,
    publicFilesManifest: publicFiles.manifest,
    maxScore: loaded.maxScore,
    showHiddenNames: loaded.showHiddenNames,
    bonusPoints: loaded.bonusPoints,
    ...(loaded.maxLateDays !== undefined ? { maxLateDays: loaded.maxLateDays } : {}),
    revealHiddenAfterDeadline: loaded.revealHiddenAfterDeadline,
    maxAttempts: loaded.maxAttempts,
    minIntervalSeconds: loaded.minIntervalSeconds,
    ...(loaded.groupMaxSize !== undefined ? { groupMaxSize: loaded.groupMaxSize } : {}),
  });
  const rescored = loaded.rubric ? await store.rubrics.replace({ courseId, assignmentId: loaded.id }, loaded.rubric) : [];
  return { assignment: (await store.assignments.get(courseId, loaded.id))!, rescored };
}
