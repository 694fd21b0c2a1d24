// HTTP and WebSocket spoken by hand over node:net, the way an attacker speaks
// them: any request line, any headers, any bytes after an upgrade, and
// hand-built WebSocket frames (any opcode, flags, length, mask, or truncated).
// It parses what the server answered just far enough to tell a well-formed
// HTTP answer from garbage, and says whether the server closed the
// connection. A socket is destroyed when its exchange ends, except the one
// handed back open after a 101, whose owner is the caller.

import { connect, type Socket } from 'node:net';

/** What came back for one raw request. */
export interface RawAnswer {
  /** Every byte the server sent. */
  raw: Buffer;
  /** The status of the (first) response, when a status line arrived. */
  status?: number;
  /** Header names in lower case (the last value wins). */
  headers: Record<string, string>;
  /** The response body (empty for 101, HEAD and bodiless statuses). */
  body: Buffer;
  /** The whole response arrived (status line, headers and the body its headers announce). */
  complete: boolean;
  /** The server ended or reset the connection. */
  closed: boolean;
  /** After a 101, with `keepUpgraded`: the socket, still open, for the caller to write frames on. Its owner must destroy it. */
  socket?: Socket;
}

/** How `sendRaw` talks and when it stops listening. */
export interface SendRawOptions {
  /** The request's method, for parsing (a HEAD answer has no body); by default the request's first word. */
  method?: string;
  /** How long to wait for the answer (or the close); 10 s by default. */
  timeoutMs?: number;
  /** End our side after writing the request: the server must then answer and close. */
  halfClose?: boolean;
  /** Resolve once the answer is complete (`answer`, the default), or only when the server closes (`close`); a 101 always ends the wait. */
  until?: 'answer' | 'close';
  /** When the wait times out: resolve with what came (the default), or reject, for a hung connection is a bug too. */
  onTimeout?: 'resolve' | 'reject';
  /** After a 101, hand the socket back open in `socket` instead of destroying it. */
  keepUpgraded?: boolean;
}

/** One HTTP request as text: request line, headers, blank line, body. */
export function requestText(method: string, target: string, headers: Array<[string, string]>, body = ''): string {
  return `${method} ${target} HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`;
}

/** The headers a WebSocket client sends on its upgrade request to `host`. */
export function upgradeHeaders(host: string): Array<[string, string]> {
  return [
    ['Host', host],
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
    ['Sec-WebSocket-Version', '13'],
  ];
}

/** A well-formed answer: a status line first, or a close without a byte. */
export function isWellFormed(answer: RawAnswer): boolean {
  if (answer.raw.length === 0) return true;
  return /^HTTP\/1\.[01] [1-5]\d\d [^\r\n]*\r\n/.test(answer.raw.toString('latin1'));
}

const BODILESS = (status: number): boolean => (status >= 100 && status < 200) || status === 204 || status === 304;

/** Parse as much of one response as `raw` holds. */
function parse(raw: Buffer, method: string): Omit<RawAnswer, 'raw' | 'closed' | 'socket'> {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return { headers: {}, body: Buffer.alloc(0), complete: false };
  const lines = raw.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})(?: [^\r\n]*)?$/.exec(lines[0] ?? '');
  if (!m) return { headers: {}, body: Buffer.alloc(0), complete: false };
  const status = Number(m[1]);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) return { status, headers, body: Buffer.alloc(0), complete: false };
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const rest = raw.subarray(end + 4);
  if (BODILESS(status) || method === 'HEAD') return { status, headers, body: Buffer.alloc(0), complete: true };
  if (headers['content-length'] !== undefined) {
    const n = Number(headers['content-length']);
    return { status, headers, body: rest.subarray(0, n), complete: rest.length >= n };
  }
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const body: Buffer[] = [];
    let at = 0;
    for (;;) {
      const lineEnd = rest.indexOf('\r\n', at);
      if (lineEnd < 0) return { status, headers, body: Buffer.concat(body), complete: false };
      const size = parseInt(rest.subarray(at, lineEnd).toString('latin1'), 16);
      if (Number.isNaN(size)) return { status, headers, body: Buffer.concat(body), complete: false };
      if (size === 0) return { status, headers, body: Buffer.concat(body), complete: rest.indexOf('\r\n', lineEnd + 2) >= 0 };
      if (rest.length < lineEnd + 2 + size + 2) return { status, headers, body: Buffer.concat(body), complete: false };
      body.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }
  // No length: the body runs until the server closes.
  return { status, headers, body: rest, complete: false };
}

/** Host and port of `address`: a URL (its host and port) or a port on loopback. */
function hostAndPort(address: string | number): { host: string; port: number } {
  if (typeof address === 'number') return { host: '127.0.0.1', port: address };
  const { hostname, port } = new URL(address);
  return { host: hostname, port: Number(port) };
}

/**
 * Send `request` to `address` and read the answer until it is complete (or,
 * with `until: 'close'`, until the server closes), or `timeoutMs` passes. A
 * refused connection rejects. After a `101` the wait ends and, with
 * `keepUpgraded`, the socket is handed back open (in `socket`); otherwise it
 * is destroyed.
 */
export function sendRaw(address: string | number, request: string | Buffer, options: SendRawOptions = {}): Promise<RawAnswer> {
  const { host, port } = hostAndPort(address);
  const method = options.method ?? (typeof request === 'string' ? request : request.toString('latin1')).split(' ', 1)[0] ?? 'GET';
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise<RawAnswer>((resolve, reject) => {
    const socket = connect({ host, port });
    const chunks: Buffer[] = [];
    let closed = false;
    let settled = false;
    const finish = (keepOpen: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const raw = Buffer.concat(chunks);
      const { status, headers, body, complete } = parse(raw, method);
      if (!keepOpen) socket.destroy();
      else socket.removeAllListeners('data');
      resolve({
        raw,
        ...(status !== undefined ? { status } : {}),
        headers,
        body,
        complete: complete || (closed && status !== undefined),
        closed,
        ...(keepOpen ? { socket } : {}),
      });
    };
    const timer = setTimeout(() => {
      if (options.onTimeout !== 'reject') return finish(false);
      settled = true;
      socket.destroy();
      const what = JSON.stringify((typeof request === 'string' ? request : request.toString('latin1')).slice(0, 200));
      reject(new Error(`no ${options.until === 'close' ? 'close' : 'answer and no close'} within ${timeoutMs} ms for ${what}`));
    }, timeoutMs);
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (chunks.length === 0 && err.code === 'ECONNREFUSED') {
        clearTimeout(timer);
        settled = true;
        reject(err);
        return;
      }
      // A reset after (or instead of) the answer is a close; what was read still counts.
      closed = true;
      finish(false);
    });
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      const p = parse(Buffer.concat(chunks), method);
      if (p.status === 101 && p.complete) finish(options.keepUpgraded === true);
      else if (p.complete && options.until !== 'close') finish(false);
    });
    socket.on('end', () => {
      closed = true;
      finish(false);
    });
    socket.on('close', () => {
      closed = true;
      finish(false);
    });
    socket.on('connect', () => {
      socket.write(request);
      if (options.halfClose) socket.end();
    });
  });
}

/** Wait until `socket` closes, or `timeoutMs` passes; resolves to whether it closed and the bytes that came. */
export function drain(socket: Socket, timeoutMs: number): Promise<{ closed: boolean; bytes: number }> {
  return new Promise((resolve) => {
    let bytes = 0;
    if (socket.destroyed) {
      resolve({ closed: true, bytes });
      return;
    }
    const done = (closed: boolean): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve({ closed, bytes });
    };
    const onData = (d: Buffer): void => {
      bytes += d.length;
    };
    const onClose = (): void => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', () => undefined);
  });
}

/**
 * Upgrade to a WebSocket: send `request` (an upgrade request), then `payload`
 * (any bytes) and half-close. Resolves once the server closed the connection;
 * rejects when the upgrade is refused or the server keeps the connection past
 * `timeoutMs`.
 */
export async function upgradeThenSend(address: string | number, request: string, payload: Buffer, timeoutMs = 15_000): Promise<void> {
  const answer = await sendRaw(address, request, { timeoutMs, keepUpgraded: true, onTimeout: 'reject' });
  const socket = answer.socket;
  if (answer.status !== 101 || !socket) {
    if (answer.status === undefined) throw new Error('connection closed before the upgrade');
    throw new Error(`upgrade refused: ${answer.raw.toString('latin1').split('\r\n')[0]}`);
  }
  try {
    socket.write(payload);
    socket.end();
    const { closed } = await drain(socket, timeoutMs);
    if (!closed) throw new Error(`the server kept the connection past ${timeoutMs} ms after garbage frames`);
  } finally {
    socket.destroy();
  }
}

/** WebSocket opcodes (RFC 6455 §5.2). */
export const Opcode = { Continuation: 0, Text: 1, Binary: 2, Close: 8, Ping: 9, Pong: 10 } as const;

/** A WebSocket frame as a client writes it: masked unless told otherwise, any opcode and reserved bits. */
export function clientFrame(opcode: number, payload: Uint8Array, options: { fin?: boolean; rsv?: number; mask?: boolean } = {}): Buffer {
  const fin = options.fin ?? true;
  const masked = options.mask ?? true;
  const first = (fin ? 0x80 : 0) | (((options.rsv ?? 0) & 0x7) << 4) | (opcode & 0x0f);
  const len = payload.length;
  const header: number[] = [first];
  if (len < 126) header.push((masked ? 0x80 : 0) | len);
  else if (len < 65536) header.push((masked ? 0x80 : 0) | 126, len >> 8, len & 0xff);
  else {
    header.push((masked ? 0x80 : 0) | 127, 0, 0, 0, 0);
    header.push((len >>> 24) & 0xff, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff);
  }
  if (!masked) return Buffer.concat([Buffer.from(header), payload]);
  // A fixed key: the server must unmask any key, and a failing case replays byte for byte.
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const body = Buffer.from(Buffer.from(payload).map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from(header), mask, body]);
}
