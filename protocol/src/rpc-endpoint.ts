// One end of a Classpod connection: JSON-RPC requests and notifications in
// text frames, multiplexed binary streams with credit-based flow control in
// binary frames, and the handshake that must come first. It validates every
// inbound message against its schema before any handler sees it, answers bad
// input with a coded error, and never lets one handler's failure end the
// connection. Transport-agnostic: it drives any WebSocket-like object.

import type { Static, TSchema } from '@sinclair/typebox';
import { decodeBinaryFrame, encodeBinaryFrame, FrameKind } from './binary-frame';
import { ConnectionBudget, limitExceeded, type RequestReservation } from './connection-budget';
import { ErrorCode, ProtocolError } from './errors';
import { BinaryStream } from './binary-stream';
import { StreamReceiveWindow, StreamSendWindow } from './flow-control';
import {
  errorFrame,
  notificationFrame,
  parseTextFrame,
  requestFrame,
  successFrame,
  type RequestId,
} from './jsonrpc';
import {
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_CONCURRENT_REQUESTS,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_MAX_OPEN_STREAMS,
  DEFAULT_MAX_REQUEST_BYTES,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_SEND_HIGH_WATER_BYTES,
  DEFAULT_STREAM_CHUNK_BYTES,
  DEFAULT_STREAM_WINDOW_BYTES,
} from './limits';
import { methodCatalogue, type NotificationType, type RequestType } from './method';
import { HelloRequest, type HelloParams, type HelloResult } from './methods/session';
import { ProtocolErrorNotification } from './methods/diagnostics';
import type { Logger } from '@classpod/observability';
import { SOCKET_OPEN, toBytes, type SocketLike } from './socket-like';
import { isCompatibleVersion, PROTOCOL_VERSION } from './version';

/** What a request handler knows about the call. */
export interface RequestContext {
  /** The endpoint the request arrived on (to open streams, send notifications). */
  endpoint: RpcEndpoint;
  /** Aborted when the connection closes before the handler finishes. */
  signal: AbortSignal;
  /**
   * Count bytes the handler is about to read into memory, before reading them.
   * Throws a TooLarge ProtocolError (`data.limit` `maxRequestBytes` or
   * `maxBufferedBytes`) when they do not fit; released once the request is answered.
   * `what` names them in the refusal, e.g. "the 120 files asked for".
   */
  reserve(bytes: number, what: string): void;
}

export type RequestHandler<P extends TSchema, R extends TSchema> = (
  params: Static<P>,
  context: RequestContext,
) => Static<R> | Promise<Static<R>>;
export type NotificationHandler<P extends TSchema> = (params: Static<P>, endpoint: RpcEndpoint) => void;

/** Options of an endpoint; every limit has a safe default. */
export interface RpcEndpointOptions {
  /** `server` answers the handshake; `client` sends it. */
  role: 'client' | 'server';
  /** Shown in logs. */
  name?: string;
  logger?: Logger;
  /** Largest inbound frame accepted (bytes). */
  maxFrameBytes?: number;
  /** How long `request` waits by default (ms). */
  requestTimeoutMs?: number;
  /** Credit window granted to each inbound stream (bytes). */
  streamWindowBytes?: number;
  /** Largest payload of an outbound data frame (bytes). */
  streamChunkBytes?: number;
  /** Outbound bytes not yet written to the socket above which streams wait. */
  sendHighWaterBytes?: number;
  /** Binary streams open at once, opened by either side; one more is refused with TooLarge. */
  maxOpenStreams?: number;
  /**
   * Bytes the connection may hold for its peer (queued on outbound streams
   * without credit, unflushed, or reserved by requests); a reservation past it
   * is refused with TooLarge.
   */
  maxBufferedBytes?: number;
  /** Bytes one request may reserve (read into memory); more is refused with TooLarge. */
  maxRequestBytes?: number;
  /** Inbound requests in progress at once; one more is refused with RateLimited. */
  maxConcurrentRequests?: number;
  /**
   * Server role: decides the session after the version check passed. Throw a
   * ProtocolError to refuse. Default: a random session id and no capabilities.
   */
  onHello?: (params: HelloParams) => Promise<Omit<HelloResult, 'protocolVersion' | 'maxFrameBytes'>> | Omit<HelloResult, 'protocolVersion' | 'maxFrameBytes'>;
}

interface PendingRequest {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
  validate(value: unknown): unknown;
}

/** One end of a connection. Dispose with `close()`. */
export class RpcEndpoint {
  readonly options: Required<Omit<RpcEndpointOptions, 'onHello' | 'logger' | 'name'>> & Pick<RpcEndpointOptions, 'onHello'>;
  private readonly log: Logger | undefined;
  private readonly requestHandlers = new Map<string, { type: RequestType<TSchema, TSchema>; handler: RequestHandler<TSchema, TSchema> }>();
  private readonly notificationHandlers = new Map<string, { type: NotificationType<TSchema>; handler: NotificationHandler<TSchema> }>();
  private readonly pending = new Map<RequestId, PendingRequest>();
  private readonly streams = new Map<number, BinaryStream>();
  /** Frames for streams the peer opened that this side has not opened yet (bounded). */
  private readonly earlyFrames = new Map<number, { frames: Uint8Array[]; bytes: number }>();
  private readonly closeListeners: Array<(code: number, reason: string) => void> = [];
  private readonly abort = new AbortController();
  private nextRequestId = 1;
  private nextStreamId: number;
  private roundRobin: number[] = [];
  private unflushedBytes = 0;
  private pumping = false;
  private closed = false;
  private helloResult: HelloResult | undefined;
  private helloUnderWay = false;
  private readonly budget: ConnectionBudget;
  private requestsInProgress = 0;
  /** Writers waiting for their stream's queue to shrink (see BinaryStream.drained). */
  private drainWaiters = new Set<() => boolean>();

  /** Bytes received and sent, for metrics. */
  bytesIn = 0;
  bytesOut = 0;

  constructor(private readonly socket: SocketLike, options: RpcEndpointOptions) {
    this.options = {
      role: options.role,
      maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      streamWindowBytes: options.streamWindowBytes ?? DEFAULT_STREAM_WINDOW_BYTES,
      streamChunkBytes: options.streamChunkBytes ?? DEFAULT_STREAM_CHUNK_BYTES,
      sendHighWaterBytes: options.sendHighWaterBytes ?? DEFAULT_SEND_HIGH_WATER_BYTES,
      maxOpenStreams: options.maxOpenStreams ?? DEFAULT_MAX_OPEN_STREAMS,
      maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
      maxRequestBytes: options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
      maxConcurrentRequests: options.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT_REQUESTS,
      onHello: options.onHello,
    };
    this.budget = new ConnectionBudget(this.options, () => this.queuedBytes());
    this.log = options.logger?.child({ endpoint: options.name ?? options.role });
    // Clients open odd stream ids, servers even ones, so both can open streams without clashing.
    this.nextStreamId = options.role === 'client' ? 1 : 2;
    socket.on('message', ((data: unknown, isBinary: boolean) => this.onMessage(data, isBinary)) as (...a: never[]) => void);
    socket.on('close', ((code: number, reason: unknown) => this.onSocketClosed(code, String(reason ?? ''))) as (...a: never[]) => void);
    socket.on('error', ((err: Error) => this.log?.warn('socket error', { err })) as (...a: never[]) => void);
  }

  /** The handshake's outcome, once it happened. */
  get session(): HelloResult | undefined {
    return this.helloResult;
  }

  /** True once the connection closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Aborted when the connection closes. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Answer requests of this method. Returns a function that removes the handler. */
  handle<P extends TSchema, R extends TSchema>(type: RequestType<P, R>, handler: RequestHandler<P, R>): () => void {
    this.requestHandlers.set(type.method, {
      type: type as unknown as RequestType<TSchema, TSchema>,
      handler: handler as unknown as RequestHandler<TSchema, TSchema>,
    });
    return () => this.requestHandlers.delete(type.method);
  }

  /** Receive notifications of this method. Returns a function that removes the handler. */
  onNotification<P extends TSchema>(type: NotificationType<P>, handler: NotificationHandler<P>): () => void {
    this.notificationHandlers.set(type.method, {
      type: type as unknown as NotificationType<TSchema>,
      handler: handler as unknown as NotificationHandler<TSchema>,
    });
    return () => this.notificationHandlers.delete(type.method);
  }

  /** Called when the connection closes, whichever side closed it. */
  onClose(listener: (code: number, reason: string) => void): void {
    if (this.closed) listener(1006, 'already closed');
    else this.closeListeners.push(listener);
  }

  /** Client role: send the handshake and check the answer. */
  async hello(params: Omit<HelloParams, 'protocolVersion'> & { protocolVersion?: string }): Promise<HelloResult> {
    const result = await this.request(HelloRequest.type, { protocolVersion: PROTOCOL_VERSION, ...params });
    if (!isCompatibleVersion(PROTOCOL_VERSION, result.protocolVersion)) {
      throw new ProtocolError(
        ErrorCode.VersionMismatch,
        `server speaks protocol ${result.protocolVersion}, this client speaks ${PROTOCOL_VERSION}`,
      );
    }
    this.helloResult = result;
    return result;
  }

  /** Send a request and wait for its validated result. */
  request<P extends TSchema, R extends TSchema>(
    type: RequestType<P, R>,
    params: Static<P>,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<Static<R>> {
    if (this.closed) return Promise.reject(new ProtocolError(ErrorCode.Unavailable, `connection closed; ${type.method} not sent`));
    const id = this.nextRequestId++;
    return new Promise<Static<R>>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ProtocolError(ErrorCode.Cancelled, `${type.method} got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const onAbort = (): void => {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new ProtocolError(ErrorCode.Cancelled, `${type.method} was cancelled`));
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (v) => {
          options.signal?.removeEventListener('abort', onAbort);
          resolve(v as Static<R>);
        },
        reject: (e) => {
          options.signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
        timer,
        validate: (v) => type.resultValidator.assert(v, `result of ${type.method}`),
      });
      this.sendText(requestFrame(id, type.method, params));
    });
  }

  /** Send a notification. Dropped silently once the connection closed. */
  notify<P extends TSchema>(type: NotificationType<P>, params: Static<P>): void {
    if (this.closed) return;
    this.sendText(notificationFrame(type.method, params));
  }

  /** A fresh stream id of this side's parity. */
  allocateStreamId(): number {
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    return id;
  }

  /**
   * Open (or return the already open) stream with this id. Throws a TooLarge
   * ProtocolError (`data.limit` `maxOpenStreams`) when the connection already
   * has as many open streams as it may.
   */
  openStream(id: number): BinaryStream {
    let stream = this.streams.get(id);
    if (!stream) {
      const max = this.options.maxOpenStreams;
      if (this.streams.size >= max) {
        throw limitExceeded('maxOpenStreams', max, `this connection has ${this.streams.size} open streams, as many as it may (maxOpenStreams); finish or close one first`);
      }
      stream = new BinaryStream(
        id,
        this,
        new StreamSendWindow(this.options.streamWindowBytes, this.options.streamChunkBytes),
        new StreamReceiveWindow(this.options.streamWindowBytes),
      );
      this.streams.set(id, stream);
      this.roundRobin.push(id);
      if (this.closed) stream.finish('connection closed');
      const early = this.earlyFrames.get(id);
      if (early) {
        this.earlyFrames.delete(id);
        for (const frame of early.frames) this.onBinary(frame);
      }
    }
    return stream;
  }

  /** Number of open streams. */
  get streamCount(): number {
    return this.streams.size;
  }

  /** Bytes this connection holds for its peer: queued on streams without credit, unflushed, and reserved by requests in progress. */
  get bufferedBytes(): number {
    return this.budget.heldBytes;
  }

  private queuedBytes(): number {
    let n = this.unflushedBytes;
    for (const stream of this.streams.values()) n += stream.send.pendingBytes;
    return n;
  }

  /** Close the connection; pending requests fail, streams end. */
  close(code = 1000, reason = 'closing'): void {
    if (this.socket.readyState === SOCKET_OPEN) this.socket.close(code, reason);
    this.onSocketClosed(code, reason);
  }

  // ---- internals used by BinaryStream ----

  /** @internal */
  _pump(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    try {
      while (this.unflushedBytes < this.options.sendHighWaterBytes) {
        let sent = false;
        // One chunk per stream per round: a fast stream cannot starve the others.
        for (const id of [...this.roundRobin]) {
          const stream = this.streams.get(id);
          if (!stream) continue;
          const chunk = stream.send.takeChunk();
          if (!chunk) continue;
          this.sendBinary(encodeBinaryFrame({ kind: FrameKind.Data, streamId: id, seq: chunk.seq, payload: chunk.payload }));
          sent = true;
          if (this.unflushedBytes >= this.options.sendHighWaterBytes) break;
        }
        if (!sent) break;
      }
    } finally {
      this.pumping = false;
    }
    this.wakeWriters();
  }

  /** @internal Resolves when `ready()` holds, checked whenever a stream's queue shrinks or a stream ends. */
  _whenReady(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const check = (): boolean => {
        if (!ready()) return false;
        resolve();
        return true;
      };
      this.drainWaiters.add(check);
    });
  }

  private wakeWriters(): void {
    if (this.drainWaiters.size === 0) return;
    for (const check of [...this.drainWaiters]) if (check()) this.drainWaiters.delete(check);
  }

  /** @internal */
  _grant(streamId: number, bytes: number): void {
    if (this.closed) return;
    this.sendBinary(encodeBinaryFrame({ kind: FrameKind.Credit, streamId, seq: bytes, payload: new Uint8Array(0) }));
  }

  /** @internal */
  _endStream(stream: BinaryStream, reason: string | undefined): void {
    const flushThenEnd = (): void => {
      if (stream.send.pendingBytes > 0 && !this.closed) {
        // Wait for credit to drain what is queued; checked again on every grant.
        setTimeout(flushThenEnd, 5);
        return;
      }
      if (!this.closed) {
        this.sendBinary(
          encodeBinaryFrame({ kind: FrameKind.End, streamId: stream.id, seq: 0, payload: new TextEncoder().encode(reason ?? '') }),
        );
      }
      this.dropStream(stream.id, reason);
    };
    flushThenEnd();
  }

  // ---- inbound ----

  private onMessage(data: unknown, isBinary: boolean): void {
    // Called from the socket's data event: an exception here would end the process, so none leaves.
    try {
      this.readMessage(data, isBinary);
    } catch (err) {
      this.log?.error('handling an inbound frame failed', { err });
    }
  }

  private readMessage(data: unknown, isBinary: boolean): void {
    const bytes = toBytes(data);
    this.bytesIn += bytes.byteLength;
    if (bytes.byteLength > this.options.maxFrameBytes) {
      this.sendError(null, new ProtocolError(
        ErrorCode.TooLarge,
        `frame of ${bytes.byteLength} bytes is over the limit of ${this.options.maxFrameBytes} bytes`,
      ));
      return;
    }
    if (isBinary) this.onBinary(bytes);
    else this.onText(new TextDecoder().decode(bytes));
  }

  private onText(text: string): void {
    let incoming;
    try {
      incoming = parseTextFrame(text);
    } catch (err) {
      const pe = err as ProtocolError;
      const id = (pe.data as { id?: RequestId | null } | undefined)?.id ?? null;
      this.sendError(id, new ProtocolError(pe.code, pe.message));
      return;
    }
    switch (incoming.type) {
      case 'request':
        this.onRequest(incoming.message.id, incoming.message.method, incoming.message.params).catch((err: unknown) =>
          this.log?.error('answering a request failed', { method: incoming.message.method, err }),
        );
        return;
      case 'notification':
        this.onNotificationMessage(incoming.message.method, incoming.message.params);
        return;
      case 'success':
      case 'error': {
        const p = this.pending.get(incoming.message.id ?? '');
        if (!p) {
          this.log?.debug('response to an unknown request', { id: incoming.message.id });
          return;
        }
        this.pending.delete(incoming.message.id!);
        clearTimeout(p.timer);
        if (incoming.type === 'error') {
          const e = incoming.message.error;
          p.reject(new ProtocolError(e.code, e.message, e.data));
        } else {
          try {
            p.resolve(p.validate(incoming.message.result));
          } catch (err) {
            p.reject(err as Error);
          }
        }
      }
    }
  }

  private async onRequest(id: RequestId, method: string, params: unknown): Promise<void> {
    const max = this.options.maxConcurrentRequests;
    if (this.requestsInProgress >= max) {
      this.sendError(id, limitExceeded('maxConcurrentRequests', max, `this connection has ${max} requests in progress, as many as it may; wait for answers before sending more`));
      return;
    }
    this.requestsInProgress++;
    const reservation = this.budget.forRequest();
    try {
      await this.answerRequest(id, method, params, reservation);
    } finally {
      this.requestsInProgress--;
      // Released a turn later: what a handler queues on a stream in setImmediate is counted by then.
      setImmediate(() => reservation.release());
    }
  }

  private async answerRequest(id: RequestId, method: string, params: unknown, reservation: RequestReservation): Promise<void> {
    try {
      if (this.options.role === 'server' && !this.helloResult && method !== HelloRequest.method) {
        throw new ProtocolError(ErrorCode.HandshakeRequired, `send ${HelloRequest.method} before ${method}`);
      }
      if (method === HelloRequest.method && this.options.role === 'server') {
        const result = await this.answerHello(params);
        this.sendText(successFrame(id, result));
        return;
      }
      const entry = this.requestHandlers.get(method);
      if (!entry) {
        const known = methodCatalogue().has(method);
        throw new ProtocolError(
          ErrorCode.MethodNotFound,
          known ? `method ${method} is not served by this endpoint` : `method ${method} does not exist`,
        );
      }
      const typed = entry.type.paramsValidator.assert(params ?? {}, `params of ${method}`);
      const result = await entry.handler(typed, {
        endpoint: this,
        signal: this.abort.signal,
        reserve: (bytes, what) => reservation.reserve(bytes, what),
      });
      this.sendText(successFrame(id, result));
    } catch (err) {
      if (err instanceof ProtocolError) {
        if (err.code === ErrorCode.Internal) this.log?.error('request failed', { method, err });
        this.sendError(id, err);
      } else {
        this.log?.error('request handler failed', { method, err });
        this.sendError(id, new ProtocolError(ErrorCode.Internal, `${method} failed on the server; see its log`));
      }
      if (ProtocolError.is(err, 'VersionMismatch')) {
        setTimeout(() => this.close(4000, 'protocol version mismatch'), 50);
      }
    }
  }

  private async answerHello(params: unknown): Promise<HelloResult> {
    // Marked before anything is awaited, so a second hello sent right behind the first is refused too.
    if (this.helloResult || this.helloUnderWay) {
      throw new ProtocolError(ErrorCode.InvalidRequest, 'the handshake was already done on this connection; send session/hello once');
    }
    this.helloUnderWay = true;
    try {
      const hello = HelloRequest.type.paramsValidator.assert(params, `params of ${HelloRequest.method}`);
      if (!isCompatibleVersion(PROTOCOL_VERSION, hello.protocolVersion)) {
        throw new ProtocolError(
          ErrorCode.VersionMismatch,
          `client speaks protocol ${hello.protocolVersion}, this server speaks ${PROTOCOL_VERSION}`,
          { client: hello.protocolVersion, server: PROTOCOL_VERSION },
        );
      }
      const decided = this.options.onHello
        ? await this.options.onHello(hello)
        : { sessionId: randomId(), capabilities: [], server: { name: 'classpod', version: PROTOCOL_VERSION } };
      this.helloResult = { ...decided, protocolVersion: PROTOCOL_VERSION, maxFrameBytes: this.options.maxFrameBytes };
      return this.helloResult;
    } finally {
      this.helloUnderWay = false;
    }
  }

  private onNotificationMessage(method: string, params: unknown): void {
    if (this.options.role === 'server' && !this.helloResult) return;
    const entry = this.notificationHandlers.get(method);
    if (!entry) {
      this.log?.debug('notification without a handler', { method });
      return;
    }
    let typed: unknown;
    try {
      typed = entry.type.paramsValidator.assert(params ?? {}, `params of ${method}`);
    } catch (err) {
      this.reportProtocolError(err as ProtocolError);
      return;
    }
    try {
      entry.handler(typed, this);
    } catch (err) {
      this.log?.error('notification handler failed', { method, err });
    }
  }

  private onBinary(bytes: Uint8Array): void {
    if (this.options.role === 'server' && !this.helloResult) {
      this.reportProtocolError(new ProtocolError(ErrorCode.HandshakeRequired, 'binary frame before the handshake'));
      return;
    }
    let frame;
    try {
      frame = decodeBinaryFrame(bytes);
    } catch (err) {
      this.reportProtocolError(err as ProtocolError);
      return;
    }
    const stream = this.streams.get(frame.streamId);
    if (!stream) {
      // The peer may start writing to a stream it opened before this side has
      // read the response that names it; keep those frames, up to one window.
      const peersId = frame.streamId % 2 === (this.options.role === 'client' ? 0 : 1);
      const early = this.earlyFrames.get(frame.streamId) ?? { frames: [], bytes: 0 };
      const fits =
        peersId &&
        early.bytes + bytes.byteLength <= this.options.streamWindowBytes + 4096 &&
        (this.earlyFrames.has(frame.streamId) || this.earlyFrames.size < MAX_EARLY_STREAMS);
      if (fits) {
        early.frames.push(bytes.slice());
        early.bytes += bytes.byteLength;
        this.earlyFrames.set(frame.streamId, early);
      } else if (frame.kind === FrameKind.Data) {
        this.reportProtocolError(new ProtocolError(ErrorCode.NotFound, `binary frame for stream ${frame.streamId}, which is not open`));
      }
      return;
    }
    switch (frame.kind) {
      case FrameKind.Data: {
        const verdict = stream.receive.accept(frame.seq, frame.payload.byteLength);
        if (verdict === 'duplicate') return;
        if (verdict === 'overflow') {
          this.reportProtocolError(new ProtocolError(ErrorCode.InvalidRequest, `stream ${frame.streamId} sent past its credit or out of order`));
          this.resetStream(stream.id, 'flow-control violation');
          return;
        }
        // Copy: the socket may reuse its buffer.
        stream.deliver(frame.payload.slice());
        return;
      }
      case FrameKind.Credit:
        stream.send.grant(frame.seq);
        this._pump();
        return;
      case FrameKind.End:
      case FrameKind.Reset: {
        const reason = new TextDecoder().decode(frame.payload) || undefined;
        this.dropStream(stream.id, reason);
        return;
      }
    }
  }

  private resetStream(id: number, reason: string): void {
    this.sendBinary(encodeBinaryFrame({ kind: FrameKind.Reset, streamId: id, seq: 0, payload: new TextEncoder().encode(reason) }));
    this.dropStream(id, reason);
  }

  private dropStream(id: number, reason: string | undefined): void {
    const stream = this.streams.get(id);
    if (!stream) return;
    this.streams.delete(id);
    this.roundRobin = this.roundRobin.filter((x) => x !== id);
    stream.finish(reason);
    this.wakeWriters();
  }

  private reportProtocolError(err: ProtocolError): void {
    this.log?.warn('protocol error from peer', { code: err.code, message: err.message });
    this.notify(ProtocolErrorNotification.type, { code: err.code, message: err.message });
  }

  private onSocketClosed(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ProtocolError(ErrorCode.Unavailable, `connection closed before request ${id} was answered`));
    }
    this.pending.clear();
    this.earlyFrames.clear();
    for (const id of [...this.streams.keys()]) this.dropStream(id, 'connection closed');
    this.wakeWriters();
    for (const l of this.closeListeners.splice(0)) {
      try {
        l(code, reason);
      } catch (err) {
        this.log?.error('close listener failed', { err });
      }
    }
  }

  // ---- outbound ----

  private sendError(id: RequestId | null, err: ProtocolError): void {
    this.sendText(errorFrame(id, err.toJSON()));
  }

  private sendText(text: string): void {
    this.sendRaw(text, Buffer.byteLength(text));
  }

  private sendBinary(bytes: Uint8Array): void {
    this.sendRaw(bytes, bytes.byteLength);
  }

  private sendRaw(data: string | Uint8Array, size: number): void {
    if (this.closed || this.socket.readyState !== SOCKET_OPEN) return;
    this.bytesOut += size;
    this.unflushedBytes += size;
    this.socket.send(data, (err) => {
      this.unflushedBytes -= size;
      if (err) {
        this.log?.debug('send failed', { err });
        return;
      }
      if (this.unflushedBytes < this.options.sendHighWaterBytes / 2) this._pump();
    });
  }
}

/** Streams the peer may write to before this side opens them. */
const MAX_EARLY_STREAMS = 16;

function randomId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
