// Errors that cannot be answered as a response (a bad binary frame, a bad
// notification) are reported to the peer with this notification.

import { Type } from '@sinclair/typebox';
import { defineNotification } from '../method';

/** `session/protocolError`: the peer sent something this side could not accept. */
export namespace ProtocolErrorNotification {
  export const method = 'session/protocolError';
  export const type = defineNotification({
    method,
    direction: 'both',
    description: 'The peer sent a frame or notification this side refused; names the problem.',
    params: Type.Object({ code: Type.Integer(), message: Type.String() }),
  });
}
