// The few members of a WebSocket the endpoint uses. The `ws` package's
// WebSocket satisfies it as it is, so the protocol package needs no I/O library.

/** A WebSocket as the endpoint sees it (the `ws` package's WebSocket fits). */
export interface SocketLike {
  send(data: string | Uint8Array, cb?: (err?: Error) => void): void;
  close(code?: number, reason?: string): void;
  readonly readyState: number;
  on(event: string, listener: (...args: never[]) => void): unknown;
  off?(event: string, listener: (...args: never[]) => void): unknown;
}

/** `readyState` value of an open WebSocket. */
export const SOCKET_OPEN = 1;

/** Normalise whatever a WebSocket library delivers as message data into bytes. */
export function toBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data)) {
    const parts = data.map(toBytes);
    const total = parts.reduce((n, p) => n + p.byteLength, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    return out;
  }
  if (typeof data === 'string') return new TextEncoder().encode(data);
  throw new TypeError('unsupported message data');
}
