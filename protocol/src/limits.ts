// Default limits. Every one is an option where it is used; these are the safe defaults.

/** Largest WebSocket text or binary frame a peer accepts (bytes). */
export const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;
/** Bytes a receiver lets a sender have in flight on one binary stream. */
export const DEFAULT_STREAM_WINDOW_BYTES = 256 * 1024;
/** Largest payload of one binary data frame (bytes). */
export const DEFAULT_STREAM_CHUNK_BYTES = 32 * 1024;
/** How long a request waits for its answer by default (ms). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Bytes of queued outbound frames above which the endpoint stops pumping streams. */
export const DEFAULT_SEND_HIGH_WATER_BYTES = 1024 * 1024;
/** Binary streams one connection may have open at once, opened by either side. */
export const DEFAULT_MAX_OPEN_STREAMS = 64;
/** Bytes a connection may hold for its peer (queued without credit, unflushed, or reserved by requests) before reservations are refused. */
export const DEFAULT_MAX_BUFFERED_BYTES = 32 * 1024 * 1024;
/** Bytes one request may read into memory (see `RequestContext.reserve`). */
export const DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024;
/** Requests one connection may have in progress at once. */
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 256;
