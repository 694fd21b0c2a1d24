// Encryption at rest of the identity provider's refresh tokens the hub keeps
// (tables session_refreshes and sign_in_handoffs): AES-256-GCM with a random
// 96-bit nonce per value and the row's key (the hash of its Classpod refresh
// token or code) as associated data, so a sealed value moved to another row
// does not open. A stolen database copy without the key file holds nothing
// the provider would accept.
//
// Keys: a file of lines `KEY-ID BASE64-32-BYTES` (`#` comments allowed); the
// first line seals, every line opens. The hub creates the file (mode 0600,
// one fresh key) when it is missing. Rotation: put a new key on the first
// line and keep the old ones below; at start the hub re-seals every stored
// value under the first key, after which the old lines may go.
// Sealed form: `cpk1.KEY-ID.NONCE.CIPHERTEXT.TAG` (base64url parts).

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const PREFIX = 'cpk1';
const KEY_ID = /^[A-Za-z0-9_-]{1,40}$/;

/** A key file a person must fix. */
export class RefreshKeyError extends Error {}

/** A sealed value that does not open: no key with its id, or it was altered or moved. */
export class SealedValueError extends Error {}

export class RefreshCipher {
  private constructor(private readonly keys: ReadonlyArray<{ id: string; key: Buffer }>) {}

  /** Keys from their lines (`id base64`); the first seals. */
  static fromText(text: string, where = 'the refresh key file'): RefreshCipher {
    const keys: Array<{ id: string; key: Buffer }> = [];
    for (const [i, raw] of text.split('\n').entries()) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const [id, b64, extra] = line.split(/\s+/);
      const key = Buffer.from(b64 ?? '', 'base64');
      if (!id || !KEY_ID.test(id) || extra !== undefined || key.length !== 32) {
        throw new RefreshKeyError(`${where}, line ${i + 1}: expected "KEY-ID BASE64" with a 32-byte key (e.g. "k2 $(openssl rand -base64 32)")`);
      }
      if (keys.some((k) => k.id === id)) throw new RefreshKeyError(`${where}, line ${i + 1}: key id ${id} appears twice`);
      keys.push({ id, key });
    }
    if (keys.length === 0) throw new RefreshKeyError(`${where} holds no key`);
    return new RefreshCipher(keys);
  }

  /** The keys of `path`, creating it with one fresh key (mode 0600) when it does not exist. */
  static fromFile(path: string): RefreshCipher {
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true });
      const id = `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`;
      writeFileSync(path, `# Classpod: keys that encrypt the identity provider's refresh tokens (first line seals; see hub/README.md)\n${id} ${randomBytes(32).toString('base64')}\n`, {
        mode: 0o600,
        flag: 'wx',
      });
    }
    return RefreshCipher.fromText(readFileSync(path, 'utf8'), path);
  }

  /** The id of the key that seals. */
  get currentKeyId(): string {
    return this.keys[0]!.id;
  }

  /** Whether `value` is sealed under the key that seals now. */
  isCurrent(value: string): boolean {
    return value.startsWith(`${PREFIX}.${this.currentKeyId}.`);
  }

  seal(plaintext: string, associated: string): string {
    const { id, key } = this.keys[0]!;
    const nonce = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', key, nonce);
    c.setAAD(Buffer.from(associated, 'utf8'));
    const body = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
    return [PREFIX, id, nonce.toString('base64url'), body.toString('base64url'), c.getAuthTag().toString('base64url')].join('.');
  }

  open(sealed: string, associated: string): string {
    const [prefix, id, nonce, body, tag, extra] = sealed.split('.');
    if (prefix !== PREFIX || !id || nonce === undefined || body === undefined || tag === undefined || extra !== undefined) {
      throw new SealedValueError('a stored refresh token is not sealed by this hub');
    }
    const k = this.keys.find((x) => x.id === id);
    if (!k) throw new SealedValueError(`a stored refresh token is sealed with key ${id}, which the refresh key file no longer holds`);
    try {
      const d = createDecipheriv('aes-256-gcm', k.key, Buffer.from(nonce, 'base64url'));
      d.setAAD(Buffer.from(associated, 'utf8'));
      d.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
    } catch {
      throw new SealedValueError('a stored refresh token does not open with its key (it was altered or belongs to another row)');
    }
  }

  /** Whether a stored value is sealed at all (values from before sealing are plain). */
  static isSealed(value: string): boolean {
    return value.startsWith(`${PREFIX}.`);
  }
}
