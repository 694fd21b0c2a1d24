// Relays WebSocket frames between two sockets without parsing them: text stays
// text, binary stays binary. A side that falls behind pauses the other (so a
// slow client cannot make the hub buffer without bound); when one side closes,
// the other is closed with the same code.

import type { WebSocket, RawData } from 'ws';

/** Close codes a peer may send on. */
function forwardableCode(code: number): number {
  if ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999)) return code;
  return code === 1005 ? 1000 : 1011;
}

export interface RelayOptions {
  /** Bytes buffered toward one side above which the other side is paused. */
  highWaterBytes: number;
  /** Called on every frame relayed: `fromA` tells its direction. */
  onFrame?: (fromA: boolean, data: RawData, isBinary: boolean) => void;
  /** Called once when both sides are closed. */
  onClosed?: () => void;
}

/**
 * Join `a` and `b`. Frames `a` sent before the join (given in `early`) go
 * out first.
 */
export function relayFrames(a: WebSocket, b: WebSocket, early: Array<{ data: RawData; isBinary: boolean }>, options: RelayOptions): void {
  let closed = false;
  const pipe = (from: WebSocket, to: WebSocket): void => {
    from.on('message', (data, isBinary) => {
      if (to.readyState !== to.OPEN) return;
      options.onFrame?.(from === a, data, isBinary);
      to.send(data, { binary: isBinary }, () => {
        if (from.isPaused && to.bufferedAmount < options.highWaterBytes / 2) from.resume();
      });
      if (to.bufferedAmount > options.highWaterBytes && !from.isPaused) from.pause();
    });
  };
  for (const f of early) b.send(f.data, { binary: f.isBinary });
  pipe(a, b);
  pipe(b, a);
  const finish = (other: WebSocket, code: number, reason: Buffer): void => {
    if (other.readyState === other.OPEN || other.readyState === other.CONNECTING) {
      try {
        other.close(forwardableCode(code), reason.subarray(0, 123).toString());
      } catch {
        other.terminate();
      }
    }
    if (!closed) {
      closed = true;
      options.onClosed?.();
    }
  };
  a.once('close', (code, reason) => finish(b, code, reason));
  b.once('close', (code, reason) => finish(a, code, reason));
  a.on('error', () => a.terminate());
  b.on('error', () => b.terminate());
}
