// The JSON-RPC 2.0 envelope: the shapes of requests, notifications and
// responses in WebSocket text frames, and the parser that classifies a frame.

import { Type, type Static } from '@sinclair/typebox';
import { ErrorCode, ProtocolError } from './errors';
import { validator } from './method';

export const RequestId = Type.Union([Type.String({ maxLength: 128 }), Type.Integer()]);
export type RequestId = Static<typeof RequestId>;

export const ErrorObject = Type.Object({
  code: Type.Integer(),
  message: Type.String(),
  data: Type.Optional(Type.Unknown()),
});
export type ErrorObject = Static<typeof ErrorObject>;

export const RequestMessage = Type.Object({
  jsonrpc: Type.Literal('2.0'),
  id: RequestId,
  method: Type.String({ minLength: 1, maxLength: 128 }),
  params: Type.Optional(Type.Unknown()),
});
export type RequestMessage = Static<typeof RequestMessage>;

export const NotificationMessage = Type.Object({
  jsonrpc: Type.Literal('2.0'),
  method: Type.String({ minLength: 1, maxLength: 128 }),
  params: Type.Optional(Type.Unknown()),
});
export type NotificationMessage = Static<typeof NotificationMessage>;

export const SuccessResponse = Type.Object({
  jsonrpc: Type.Literal('2.0'),
  id: RequestId,
  result: Type.Unknown(),
});
export const ErrorResponse = Type.Object({
  jsonrpc: Type.Literal('2.0'),
  id: Type.Union([RequestId, Type.Null()]),
  error: ErrorObject,
});
export type SuccessResponse = Static<typeof SuccessResponse>;
export type ErrorResponse = Static<typeof ErrorResponse>;

/** A text frame, classified. */
export type IncomingMessage =
  | { type: 'request'; message: RequestMessage }
  | { type: 'notification'; message: NotificationMessage }
  | { type: 'success'; message: SuccessResponse }
  | { type: 'error'; message: ErrorResponse };

const isRequest = validator(RequestMessage);
const isNotification = validator(NotificationMessage);
const isSuccess = validator(SuccessResponse);
const isError = validator(ErrorResponse);

/**
 * Parse and classify one text frame. Throws ProtocolError ParseError for bad
 * JSON and InvalidRequest for JSON that is no JSON-RPC 2.0 message; the error's
 * data carries the request id when one could be read, so the caller can answer it.
 */
export function parseTextFrame(text: string): IncomingMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ProtocolError(ErrorCode.ParseError, `frame is not valid JSON: ${(err as Error).message}`);
  }
  if (Array.isArray(value)) {
    throw new ProtocolError(ErrorCode.InvalidRequest, 'batch messages are not supported; send one message per frame');
  }
  if (typeof value !== 'object' || value === null) {
    throw new ProtocolError(ErrorCode.InvalidRequest, 'a message must be a JSON object');
  }
  const obj = value as Record<string, unknown>;
  const id = typeof obj.id === 'string' || typeof obj.id === 'number' ? obj.id : null;
  if (obj.jsonrpc !== '2.0') {
    throw new ProtocolError(ErrorCode.InvalidRequest, 'field "jsonrpc" must be "2.0"', { id });
  }
  if ('method' in obj) {
    if ('id' in obj) {
      if (isRequest.check(obj)) return { type: 'request', message: obj };
    } else if (isNotification.check(obj)) {
      return { type: 'notification', message: obj };
    }
    const why = typeof obj.method !== 'string' ? 'field "method" must be a string' : 'field "id" must be a string or an integer';
    throw new ProtocolError(ErrorCode.InvalidRequest, `invalid request: ${why}`, { id });
  }
  if ('result' in obj && isSuccess.check(obj)) return { type: 'success', message: obj };
  if ('error' in obj && isError.check(obj)) return { type: 'error', message: obj };
  throw new ProtocolError(ErrorCode.InvalidRequest, 'message is neither a request, a notification nor a response', { id });
}

/** Serialise a request. */
export function requestFrame(id: RequestId, method: string, params: unknown): string {
  return JSON.stringify(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params });
}
/** Serialise a notification. */
export function notificationFrame(method: string, params: unknown): string {
  return JSON.stringify(params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params });
}
/** Serialise a success response. */
export function successFrame(id: RequestId, result: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', id, result: result === undefined ? null : result });
}
/** Serialise an error response. */
export function errorFrame(id: RequestId | null, error: ErrorObject): string {
  return JSON.stringify({ jsonrpc: '2.0', id, error });
}
