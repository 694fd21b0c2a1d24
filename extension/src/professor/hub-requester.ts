// How the professor side talks to the course server: one typed function that
// sends a request on the current connection (waiting for it when it is being
// opened). The tree model and the commands take this function, so tests can
// count or refuse requests without a VS Code in sight.

import type { RequestType, RpcEndpoint, Static, TSchema } from '@classpod/protocol';

/** Send one hub request and resolve its validated result. */
export type HubRequester = <P extends TSchema, R extends TSchema>(type: RequestType<P, R>, params: Static<P>) => Promise<Static<R>>;

/** A requester over whatever hands out the connected endpoint (a ReconnectingConnection's `ready`). */
export function requesterFor(endpoint: () => Promise<RpcEndpoint>): HubRequester {
  return async (type, params) => (await endpoint()).request(type, params);
}
