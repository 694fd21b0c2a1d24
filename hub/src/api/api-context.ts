// What every API method handler can reach.

import type { Logger } from '@classpod/observability';
import type { BlobStore } from '../blobs/blob-store';
import type { EventHub } from '../events/event-hub';
import type { GradingQueue } from '../grading/grading-queue';
import type { InviteRepository } from '../store/invite-repository';
import type { RosterRepository } from '../store/roster-repository';
import type { Store } from '../store/store';
import type { FeedbackRepository } from '../store/feedback-repository';
import type { VersionRepository } from '../store/version-repository';
import type { PrewarmRepository } from '../store/prewarm-repository';
import type { SubmissionIntake } from '../submissions/submission-intake';
import type { Clock } from '../time/clock';
import type { WorkspaceProvider } from '../workspaces/workspace-provider';
import type { WorkspaceOpener } from '../workspaces/workspace-opener';
import type { SpecResolver } from '../assignments/spec-resolver';
import type { SimilarityRunner } from '../similarity/similarity-runner';
import type { EditAuthors } from '../versions/edit-authors';
import type { Authorization, Caller } from './authorization';

export interface ApiContext {
  store: Store;
  rosters: RosterRepository;
  invites: InviteRepository;
  /** How clients reach the hub (for links). */
  publicUrl(): string;
  blobs: BlobStore;
  clock: Clock;
  events: EventHub;
  provider: WorkspaceProvider;
  workspaces: WorkspaceOpener;
  intake: SubmissionIntake;
  queue: GradingQueue;
  authz: Authorization;
  versions: VersionRepository;
  /** Pre-warmed lab sessions, and a way to have the scheduler look again (a session was added). */
  prewarm: { sessions: PrewarmRepository; wake(): void };
  feedback: FeedbackRepository;
  resolveSpec: SpecResolver;
  /** Similarity checks, run one at a time off the request path. */
  similarity: SimilarityRunner;
  /** Who edited each group workspace since its last version. */
  edits: EditAuthors;
  logger: Logger;
}

/** Record a privileged action. */
export async function audit(ctx: ApiContext, caller: Caller, action: string, courseId: string | undefined, target?: string, detail?: unknown): Promise<void> {
  await ctx.store.audit.add({
    actorId: caller.person.id,
    action,
    courseId,
    target,
    detail: detail === undefined ? undefined : typeof detail === 'string' ? detail : JSON.stringify(detail),
  });
}
