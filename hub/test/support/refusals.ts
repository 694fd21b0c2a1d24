// How a test says that the hub refused a request: a ProtocolError with the
// expected code name and, where given, a message that matches and names no
// host path. One place, so every test reads a refusal the same way.

import assert from 'node:assert/strict';
import { errorCodeName, ProtocolError } from '@classpod/protocol';

/** For `assert.rejects`: a ProtocolError with this code name, a message matching `text`, and none of `hostPath` in it. */
export const refusal =
  (code: string, text?: RegExp, hostPath?: string) =>
  (err: unknown): true => {
    assert.ok(err instanceof ProtocolError, String(err));
    assert.equal(errorCodeName(err.code), code, err.message);
    if (text) assert.match(err.message, text);
    if (hostPath) assert.ok(!err.message.includes(hostPath), `no host path in: ${err.message}`);
    return true;
  };

/** The refusal `call` ends in (its code name and message); fails when the call is answered. */
export async function refusalOf(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (err) {
    assert.ok(err instanceof ProtocolError, String(err));
    return { code: errorCodeName(err.code), message: err.message };
  }
  assert.fail('the call was answered instead of refused');
}
