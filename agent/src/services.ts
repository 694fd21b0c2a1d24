// The agent's services, one line per area (files, terminals, sync, tests).
// Each registers its handlers on every connection; see service.ts.

import { createFilesService } from './files/files-service';
import type { AgentServiceFactory } from './service';
import { createTerminalsService } from './terminals/terminals-service';
import { createTestsService } from './tests/tests-service';
import { createSyncService } from './sync/sync-service';

export const agentServices: AgentServiceFactory[] = [
  createFilesService,
  createTerminalsService,
  createSyncService,
  createTestsService,
];
