// The handshake. It is the first message on every connection: each side names
// its protocol version and capabilities; the server answers with a session id.

import { Type, type Static } from '@sinclair/typebox';
import { defineNotification, defineRequest } from '../method';

/** Who is speaking, for logs and diagnostics. */
export const PeerInfo = Type.Object({
  /** Program name, e.g. `classpod-vscode`, `classpod-agent`. */
  name: Type.String({ maxLength: 64 }),
  /** Program version. */
  version: Type.String({ maxLength: 32 }),
});

export const HelloParams = Type.Object({
  /** Protocol version the client speaks (`major.minor`). */
  protocolVersion: Type.String({ maxLength: 16 }),
  /** Capabilities the client has, e.g. `terminals`, `sync`, `files`. */
  capabilities: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 64 }),
  client: PeerInfo,
  /** A session id from an earlier connection, to resume what it owned (terminals). */
  resumeSessionId: Type.Optional(Type.String({ maxLength: 128 })),
});
export type HelloParams = Static<typeof HelloParams>;

export const HelloResult = Type.Object({
  /** Protocol version the server speaks. */
  protocolVersion: Type.String(),
  /** Capabilities the server has. */
  capabilities: Type.Array(Type.String()),
  server: PeerInfo,
  /** This session's id (new, or the resumed one). */
  sessionId: Type.String(),
  /** Largest frame the server accepts, in bytes. */
  maxFrameBytes: Type.Integer(),
});
export type HelloResult = Static<typeof HelloResult>;

/** `session/hello`: must be the first request; an incompatible version fails with VersionMismatch. */
export namespace HelloRequest {
  export const method = 'session/hello';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Handshake: protocol version, capabilities and session id. Must be the first request.',
    params: HelloParams,
    result: HelloResult,
  });
}

/** `session/ping`: a cheap round trip, used for latency measurements and keep-alive. */
export namespace PingRequest {
  export const method = 'session/ping';
  export const type = defineRequest({
    method,
    direction: 'both',
    description: 'Round trip that returns the payload it was given.',
    params: Type.Object({ payload: Type.Optional(Type.String({ maxLength: 1024 })) }),
    result: Type.Object({ payload: Type.Optional(Type.String()), serverTime: Type.String() }),
  });
}

/** `stream/reset`: one end abandons a binary stream (e.g. a terminal closed). */
export namespace StreamClosedNotification {
  export const method = 'stream/closed';
  export const type = defineNotification({
    method,
    direction: 'both',
    description: 'A binary stream ended; no more frames will be sent on it.',
    params: Type.Object({ streamId: Type.Integer({ minimum: 0 }), reason: Type.Optional(Type.String()) }),
  });
}
