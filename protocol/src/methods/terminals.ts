// Terminals: shells in the workspace, run by the agent through a pty. A
// terminal belongs to the agent, not to a connection: it survives a dropped
// connection, and a client reattaches with the terminal's id and the byte
// offset it had received, getting exactly the missed output and then the live
// stream.
//
// Output travels on a binary stream the server opens (one per attachment).
// Every byte the terminal ever produced has an absolute offset, counted from 0;
// an attachment starts at the `offset` its answer names, so a client knows the
// offset of every byte it reads. The same stream carries input the other way:
// bytes the client writes on it are typed into the terminal. `terminals/input`
// does the same as a request.

import { Type, type Static } from '@sinclair/typebox';
import { defineNotification, defineRequest } from '../method';

const TerminalId = Type.String({ maxLength: 64, description: 'the terminal id the agent gave' });
const Cols = Type.Integer({ minimum: 1, maximum: 1000 });
const Rows = Type.Integer({ minimum: 1, maximum: 1000 });

export const TerminalInfo = Type.Object({
  /** The terminal's id. */
  terminalId: Type.String(),
  /** The program running in it. */
  shell: Type.String(),
  /** Its working directory at start, relative to the workspace root. */
  cwd: Type.String(),
  /** Columns. */
  cols: Type.Integer(),
  /** Rows. */
  rows: Type.Integer(),
  /** Process id of the shell. */
  pid: Type.Integer(),
  /** Clients attached now. */
  attachments: Type.Integer({ minimum: 0 }),
  /** Offset just past the last byte of output so far. */
  offset: Type.Integer({ minimum: 0 }),
  /** Offset of the oldest byte still held in the scrollback. */
  scrollbackStart: Type.Integer({ minimum: 0 }),
  /** When it started (ISO 8601). */
  startedAt: Type.String(),
  /** Set once the program ended: such a terminal stays listed, with its output, until a client attaches or the idle timeout passes. */
  exitCode: Type.Optional(Type.Integer()),
});
export type TerminalInfo = Static<typeof TerminalInfo>;

/** `terminals/open`: start a shell and attach to it. */
export namespace TerminalOpenRequest {
  export const method = 'terminals/open';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Start a terminal and attach this connection to it; output flows on the stream the answer names.',
    params: Type.Object({
      /** Program to run (default the agent's shell: $SHELL, else /bin/bash). */
      shell: Type.Optional(Type.String({ maxLength: 4096 })),
      /** Its arguments (default none). */
      args: Type.Optional(Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 64 })),
      /** Working directory relative to the workspace root (default the root); must stay inside it. */
      cwd: Type.Optional(Type.String({ maxLength: 4096 })),
      /** Variables added to the agent's environment. */
      env: Type.Optional(Type.Record(Type.String({ maxLength: 256 }), Type.String({ maxLength: 32768 }))),
      /** Columns. */
      cols: Cols,
      /** Rows. */
      rows: Rows,
    }),
    result: Type.Object({
      /** The new terminal's id. */
      terminalId: Type.String(),
      /** The output stream (opened by the server; write input on it). */
      streamId: Type.Integer({ minimum: 0 }),
      /** Offset of the first byte the stream carries (0 for a new terminal). */
      offset: Type.Integer({ minimum: 0 }),
    }),
  });
}

/** `terminals/attach`: attach to a running terminal, e.g. after a reconnect. */
export namespace TerminalAttachRequest {
  export const method = 'terminals/attach';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description:
      'Attach to a running terminal: the stream replays output from `fromOffset` (or the oldest byte kept, if later) and then follows it live.',
    params: Type.Object({
      /** The terminal. */
      terminalId: TerminalId,
      /** Offset of the first byte wanted: the offset the client had received up to (default: the oldest byte kept). */
      fromOffset: Type.Optional(Type.Integer({ minimum: 0 })),
    }),
    result: Type.Object({
      /** The output stream (opened by the server; write input on it). */
      streamId: Type.Integer({ minimum: 0 }),
      /** Offset of the first byte the stream carries; above `fromOffset` when the scrollback no longer held the missed bytes. */
      offset: Type.Integer({ minimum: 0 }),
      /** Columns now. */
      cols: Type.Integer(),
      /** Rows now. */
      rows: Type.Integer(),
    }),
  });
}

/** `terminals/input`: type text into a terminal (the stream does the same for bytes). */
export namespace TerminalInputRequest {
  export const method = 'terminals/input';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Type text into a terminal.',
    params: Type.Object({
      /** The terminal. */
      terminalId: TerminalId,
      /** The text typed (UTF-8). */
      data: Type.String({ maxLength: 65536 }),
    }),
    result: Type.Object({}),
  });
}

/** `terminals/resize`: change a terminal's size. */
export namespace TerminalResizeRequest {
  export const method = 'terminals/resize';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Change the columns and rows of a terminal.',
    params: Type.Object({
      /** The terminal. */
      terminalId: TerminalId,
      /** Columns. */
      cols: Cols,
      /** Rows. */
      rows: Rows,
    }),
    result: Type.Object({}),
  });
}

/** `terminals/close`: end a terminal (its process is killed; every attachment's stream ends). */
export namespace TerminalCloseRequest {
  export const method = 'terminals/close';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'Kill a terminal; its streams end and `terminals/exited` follows.',
    params: Type.Object({
      /** The terminal. */
      terminalId: TerminalId,
    }),
    result: Type.Object({}),
  });
}

/** `terminals/list`: the running terminals. */
export namespace TerminalListRequest {
  export const method = 'terminals/list';
  export const type = defineRequest({
    method,
    direction: 'clientToServer',
    description: 'The terminals running in the workspace.',
    params: Type.Object({}),
    result: Type.Object({
      /** Running terminals, oldest first. */
      terminals: Type.Array(TerminalInfo),
    }),
  });
}

/** `terminals/exited`: a terminal's process ended; sent to every connection attached to it. */
export namespace TerminalExitedNotification {
  export const method = 'terminals/exited';
  export const type = defineNotification({
    method,
    direction: 'serverToClient',
    description: 'A terminal ended (its process exited, it was closed, or it was idle too long).',
    params: Type.Object({
      /** The terminal. */
      terminalId: Type.String(),
      /** The process's exit code. */
      exitCode: Type.Integer(),
      /** The signal that ended it, if one did. */
      signal: Type.Optional(Type.Integer()),
      /** Offset just past its last byte of output. */
      offset: Type.Integer({ minimum: 0 }),
      /** Why: `exited`, `closed` or `idle`. */
      reason: Type.Union([Type.Literal('exited'), Type.Literal('closed'), Type.Literal('idle')]),
    }),
  });
}
