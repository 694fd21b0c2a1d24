// @classpod/protocol: the wire contract every Classpod package speaks.
export * from './version';
export * from './errors';
export * from './limits';
export * from './quantities';
export * from './backoff';
export * from './connection-budget';
export * from './method';
export * from './jsonrpc';
export * from './binary-frame';
export * from './flow-control';
export * from './socket-like';
export * from './binary-stream';
export * from './rpc-endpoint';
export * from './catalogue';
export * from './request-target';
export * from './methods';
export { Type } from '@sinclair/typebox';
export type { Static, TSchema } from '@sinclair/typebox';
