// Where the agent listens: a TCP address (`http://HOST:PORT`) or a unix
// socket (`unix:PATH`, the hub's local provider: the agent then has no
// network of its own and the hub reaches it through the socket file). Opens
// the server there and says how clients reach it.

import { promises as fs } from 'node:fs';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';

/** How clients reach a listening agent. */
export interface ListenAddress {
  /** `http://HOST:PORT`, or `unix:PATH`. */
  url: string;
  /** `ws://HOST:PORT<connectPath>`, or ws's `ws+unix://PATH:<connectPath>`. */
  connectUrl: string;
}

/** A socket file left by an agent that did not close: replaced. Anything else at the path is refused. */
async function removeStaleSocket(socket: string): Promise<void> {
  const st = await fs.lstat(socket).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (!st) return;
  if (!st.isSocket()) throw new Error(`--socket ${socket} exists and is not a socket; refusing to replace it`);
  await fs.unlink(socket);
}

/** Listen on `options.socket` when given, else on `host:port`; resolves once listening. */
export async function listenOn(server: http.Server, options: { host: string; port: number; socket?: string }, connectPath: string): Promise<ListenAddress> {
  const listening = new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  if (options.socket !== undefined) {
    await removeStaleSocket(options.socket);
    server.listen(options.socket);
    await listening;
    // Only this user (the hub's folders around the socket are the real fence).
    await fs.chmod(options.socket, 0o600);
    return { url: `unix:${options.socket}`, connectUrl: `ws+unix://${options.socket}:${connectPath}` };
  }
  server.listen(options.port, options.host);
  await listening;
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${host}:${address.port}`, connectUrl: `ws://${host}:${address.port}${connectPath}` };
}
