// Binary WebSocket frames carry bulk streams (terminal output and input, file
// content). Each frame has a fixed 12-byte header:
//
//   byte 0      format version (1)
//   byte 1      kind: 1 data, 2 credit, 3 end, 4 reset
//   bytes 2-3   reserved, zero
//   bytes 4-7   stream id (uint32, big-endian)
//   bytes 8-11  sequence number (uint32, big-endian): data frames count 0, 1, 2…
//               per stream; for a credit frame, the number of bytes granted
//   bytes 12-   payload (data: the bytes; end/reset: an optional UTF-8 reason)

import { ErrorCode, ProtocolError } from './errors';

export const BINARY_FRAME_VERSION = 1;
export const BINARY_HEADER_BYTES = 12;

export const FrameKind = { Data: 1, Credit: 2, End: 3, Reset: 4 } as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

/** One decoded binary frame. */
export interface BinaryFrame {
  kind: FrameKind;
  streamId: number;
  /** Sequence number for data frames; bytes granted for credit frames; 0 otherwise. */
  seq: number;
  payload: Uint8Array;
}

/** Encode a frame into one buffer (header + payload). */
export function encodeBinaryFrame(frame: BinaryFrame): Uint8Array {
  const out = new Uint8Array(BINARY_HEADER_BYTES + frame.payload.byteLength);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint8(0, BINARY_FRAME_VERSION);
  view.setUint8(1, frame.kind);
  view.setUint32(4, frame.streamId >>> 0);
  view.setUint32(8, frame.seq >>> 0);
  out.set(frame.payload, BINARY_HEADER_BYTES);
  return out;
}

/** Decode a frame, or throw a ProtocolError naming what is wrong with it. */
export function decodeBinaryFrame(data: Uint8Array): BinaryFrame {
  if (data.byteLength < BINARY_HEADER_BYTES) {
    throw new ProtocolError(ErrorCode.InvalidRequest, `binary frame of ${data.byteLength} bytes is shorter than its 12-byte header`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const version = view.getUint8(0);
  if (version !== BINARY_FRAME_VERSION) {
    throw new ProtocolError(ErrorCode.InvalidRequest, `binary frame format ${version} is not supported (expected ${BINARY_FRAME_VERSION})`);
  }
  const kind = view.getUint8(1);
  if (kind < FrameKind.Data || kind > FrameKind.Reset) {
    throw new ProtocolError(ErrorCode.InvalidRequest, `binary frame kind ${kind} is unknown`);
  }
  return {
    kind: kind as FrameKind,
    streamId: view.getUint32(4),
    seq: view.getUint32(8),
    payload: data.subarray(BINARY_HEADER_BYTES),
  };
}
