// Test fixture for attacks below the HTTP and WebSocket libraries: raw bytes
// over a TCP socket (node:net), so a request can be anything at all, and
// hand-built WebSocket frames (any opcode, flags, length, mask, or truncated).
// Every socket is destroyed when its exchange ends.

import { randomBytes } from 'node:crypto';
import net from 'node:net';

/** What a server did with a raw request. */
export interface RawAnswer {
  /** The status of the response, when one came. */
  status: number | undefined;
  /** Every byte the server sent. */
  bytes: Buffer;
}

/** A well-formed answer: a status line, or a close without a byte. */
export function isWellFormed(answer: RawAnswer): boolean {
  if (answer.bytes.length === 0) return true;
  return /^HTTP\/1\.[01] [1-5]\d\d [^\r\n]*\r\n/.test(answer.bytes.toString('latin1'));
}

function statusOf(bytes: Buffer): number | undefined {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(bytes.toString('latin1'));
  return m ? Number(m[1]) : undefined;
}

/**
 * Send `request`, half-close, and collect the answer until the server closes
 * (or, for a 101, until the response head is in). Rejects when the server
 * neither answers nor closes within `deadlineMs`: a hung connection is a bug too.
 */
export function rawRequest(port: number, request: Buffer | string, deadlineMs = 15_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const bytes = Buffer.concat(chunks);
      if (err) reject(err);
      else resolve({ status: statusOf(bytes), bytes });
    };
    const timer = setTimeout(
      () => finish(new Error(`no answer and no close within ${deadlineMs} ms for ${JSON.stringify(String(request).slice(0, 200))}`)),
      deadlineMs,
    );
    socket.on('connect', () => {
      socket.write(request);
      socket.end();
    });
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      const head = Buffer.concat(chunks).toString('latin1');
      if (/^HTTP\/1\.1 101 /.test(head) && head.includes('\r\n\r\n')) finish();
    });
    // A reset after (or instead of) the answer is a close; what was read still counts.
    socket.on('error', () => finish());
    socket.on('close', () => finish());
  });
}

/** The lines of a WebSocket upgrade request for `path`, without the final blank line. */
export function upgradeHeaders(path: string, token: string | undefined): string[] {
  return [
    `GET ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    ...(token === undefined ? [] : [`Authorization: Bearer ${token}`]),
  ];
}

/**
 * Upgrade to a WebSocket on `path` with `token`, then send `payload` (any
 * bytes) and half-close. Resolves once the server closed the connection,
 * with what it sent after the 101; rejects when the upgrade is refused or the
 * server keeps the connection past `deadlineMs`.
 */
export function upgradeThenSend(port: number, path: string, token: string, payload: Buffer, deadlineMs = 15_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let buffered = Buffer.alloc(0);
    let upgraded = false;
    let done = false;
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(buffered);
    };
    const timer = setTimeout(() => finish(new Error(`the server kept the connection past ${deadlineMs} ms after garbage frames`)), deadlineMs);
    socket.on('connect', () => socket.write(upgradeHeaders(path, token).join('\r\n') + '\r\n\r\n'));
    socket.on('data', (d: Buffer) => {
      buffered = Buffer.concat([buffered, d]);
      if (upgraded) return;
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = buffered.subarray(0, end).toString('latin1');
      if (!/^HTTP\/1\.1 101 /.test(head)) return finish(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
      upgraded = true;
      buffered = buffered.subarray(end + 4);
      socket.write(payload);
      socket.end();
    });
    socket.on('error', () => (upgraded ? finish() : finish(new Error('connection reset before the upgrade'))));
    socket.on('close', () => (upgraded ? finish() : finish(new Error('connection closed before the upgrade'))));
  });
}

/** WebSocket opcodes (RFC 6455 §5.2). */
export const Opcode = { Continuation: 0, Text: 1, Binary: 2, Close: 8, Ping: 9, Pong: 10 } as const;

/** One client frame: masked unless told otherwise, any opcode and reserved bits. */
export function clientFrame(opcode: number, payload: Uint8Array, options: { fin?: boolean; rsv?: number; mask?: boolean } = {}): Buffer {
  const fin = options.fin ?? true;
  const mask = options.mask ?? true;
  const first = (fin ? 0x80 : 0) | ((options.rsv ?? 0) & 0x7) << 4 | (opcode & 0xf);
  const len = payload.byteLength;
  const lenBytes = len < 126 ? [len] : len < 65536 ? [126, len >> 8, len & 0xff] : [127, 0, 0, 0, 0, (len >>> 24) & 0xff, (len >> 16) & 0xff, (len >> 8) & 0xff, len & 0xff];
  lenBytes[0] = lenBytes[0]! | (mask ? 0x80 : 0);
  const key = mask ? randomBytes(4) : Buffer.alloc(0);
  const body = Buffer.from(payload);
  if (mask) for (let i = 0; i < body.length; i++) body[i] = body[i]! ^ key[i % 4]!;
  return Buffer.concat([Buffer.from([first, ...lenBytes]), key, body]);
}
