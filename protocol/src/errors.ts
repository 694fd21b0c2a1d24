// Error codes with stable numbers, and the error value every package throws
// when it means a protocol error. Numbers never change once released.

/** Stable error codes (JSON-RPC 2.0 reserved codes plus Classpod's own in -32000..-32099). */
export const ErrorCode = {
  /** The frame was not valid JSON. */
  ParseError: -32700,
  /** The JSON was not a valid JSON-RPC 2.0 request or notification. */
  InvalidRequest: -32600,
  /** No such method. */
  MethodNotFound: -32601,
  /** The params did not match the method's schema. */
  InvalidParams: -32602,
  /** Something failed on the answering side; not the caller's fault. */
  Internal: -32603,
  /** No valid credentials. */
  Unauthorized: -32001,
  /** Valid credentials, but not allowed to do this. */
  Forbidden: -32003,
  /** The thing named does not exist. */
  NotFound: -32004,
  /** The thing changed under the caller, or already exists. */
  Conflict: -32009,
  /** The two ends speak incompatible protocol versions. */
  VersionMismatch: -32010,
  /** The handshake must come first. */
  HandshakeRequired: -32011,
  /** A frame, file or upload is over its limit. */
  TooLarge: -32013,
  /** Too many requests; retry later. */
  RateLimited: -32029,
  /** The request was cancelled or timed out before an answer. */
  Cancelled: -32800,
  /** The service behind this one is not available yet (starting, stopped). */
  Unavailable: -32030,
  /** An official submission beyond the assignment's attempt limit, or sooner than its minimum interval; data: `SubmissionLimitData`. */
  SubmissionLimit: -32040,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;
export type ErrorCodeNumber = (typeof ErrorCode)[ErrorCodeName];

const nameByNumber = new Map<number, ErrorCodeName>(
  (Object.keys(ErrorCode) as ErrorCodeName[]).map((k) => [ErrorCode[k], k]),
);

/** Name of a code, e.g. `NotFound`, or `Unknown(-1)`. */
export function errorCodeName(code: number): string {
  return nameByNumber.get(code) ?? `Unknown(${code})`;
}

/** An error that crosses the wire: a code, a message a person can act on, optional data. */
export class ProtocolError extends Error {
  readonly code: number;
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
    this.data = data;
  }

  /** The JSON-RPC error object. */
  toJSON(): { code: number; message: string; data?: unknown } {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }

  /** True when `err` is a ProtocolError with the given code name. */
  static is(err: unknown, name?: ErrorCodeName): err is ProtocolError {
    return err instanceof ProtocolError && (name === undefined || err.code === ErrorCode[name]);
  }
}

/** Shorthand constructors, one per code, so call sites read as sentences. */
export const errors = {
  notFound: (msg: string, data?: unknown) => new ProtocolError(ErrorCode.NotFound, msg, data),
  forbidden: (msg: string, data?: unknown) => new ProtocolError(ErrorCode.Forbidden, msg, data),
  unauthorized: (msg: string, data?: unknown) => new ProtocolError(ErrorCode.Unauthorized, msg, data),
  conflict: (msg: string, data?: unknown) => new ProtocolError(ErrorCode.Conflict, msg, data),
  tooLarge: (msg: string, data?: unknown) => new ProtocolError(ErrorCode.TooLarge, msg, data),
  invalidParams: (msg: string, data?: unknown) => new ProtocolError(ErrorCode.InvalidParams, msg, data),
  rateLimited: (msg: string, data?: unknown) => new ProtocolError(ErrorCode.RateLimited, msg, data),
  unavailable: (msg: string, data?: unknown) => new ProtocolError(ErrorCode.Unavailable, msg, data),
  internal: (msg: string, data?: unknown) => new ProtocolError(ErrorCode.Internal, msg, data),
  submissionLimit: (msg: string, data?: unknown) => new ProtocolError(ErrorCode.SubmissionLimit, msg, data),
};

/**
 * WebSocket close code of a workspace connection the hub ends because the
 * workspace was stopped for idleness (its reason: "workspace paused after N
 * min idle"). A client does not reconnect by itself after it: the next thing
 * the person does (a key in the terminal) connects again, which starts the
 * workspace.
 */
export const WORKSPACE_PAUSED_CLOSE_CODE = 4408;
