// The OpenID Connect configuration: a mistake is refused before the hub
// starts, with a message naming the option; the client secret may come from
// the environment instead of the file.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOidcConfigFile, validateOidcOptions, type OidcOptions } from '../../src/auth/oidc-config';
import { HubConfigError, validateOptions } from '../../src/config';

const GOOD: OidcOptions = { issuer: 'https://login.uni.example', clientId: 'classpod', clientSecret: 's3cret' };

describe('OpenID Connect configuration', () => {
  it('fills in the defaults', () => {
    const o = validateOidcOptions(GOOD);
    assert.equal(o.roleClaim, 'groups');
    assert.equal(o.unknownPeople, 'refuse');
    assert.equal(o.scopes, 'openid email profile');
    assert.deepEqual(o.roleMapping, {});
    assert.deepEqual(o.clientRedirects, ['vscode://classpod.classpod/', 'vscode-insiders://classpod.classpod/']);
    assert.equal(o.refreshMs, 30 * 24 * 3_600_000);
  });

  const mistakes: Array<[string, Partial<OidcOptions> & Record<string, unknown>, RegExp]> = [
    ['a plain-http issuer off loopback', { issuer: 'http://login.uni.example' }, /oidc\.issuer http:\/\/login\.uni\.example must use https \(plain http is accepted on loopback only\)/],
    ['an issuer that is no URL', { issuer: 'login' }, /oidc\.issuer "login" is not a URL/],
    ['a redirect URL that is not the callback', { redirectUrl: 'https://hub.uni.example/elsewhere' }, /must be this hub's \/v1\/auth\/oidc\/callback/],
    ['no client secret', { clientSecret: '' }, /oidc\.clientSecret is required \(or CLASSPOD_OIDC_CLIENT_SECRET\)/],
    ['scopes without openid', { scopes: 'email profile' }, /oidc\.scopes must include openid/],
    ['an unknown role', { roleMapping: { staff: [{ course: 'cs101', role: 'dean' as never }] } }, /oidc\.roleMapping\.staff: role "dean" is not one of professor, assistant, student/],
    ['a course id that is a path', { roleMapping: { staff: [{ course: '../etc', role: 'professor' }] } }, /oidc\.roleMapping\.staff: course "\.\.\/etc" is not a course id/],
    ['enrol-student without courses', { unknownPeople: 'enrol-student' }, /enrol-student needs oidc\.enrolCourses/],
    ['an unknown policy', { unknownPeople: 'welcome' as never }, /oidc\.unknownPeople must be refuse or enrol-student, not welcome/],
    ['a plain-http client redirect', { clientRedirects: ['http://code.uni.example/'] }, /oidc\.clientRedirects: "http:\/\/code\.uni\.example\/" must be an https/],
    ['a client redirect without a closing slash (it would match code.uni.example.evil.example)', { clientRedirects: ['https://code.uni.example'] }, /oidc\.clientRedirects: "https:\/\/code\.uni\.example" must be/],
    ['a javascript: client redirect', { clientRedirects: ['javascript:alert(1)/'] }, /oidc\.clientRedirects: "javascript:alert\(1\)\/" must be/],
    ['a non-positive renewal limit', { refreshMs: 0 }, /oidc\.refreshMs must be a positive number/],
  ];
  for (const [what, change, message] of mistakes) {
    it(`refuses ${what}`, () => {
      assert.throws(() => validateOidcOptions({ ...GOOD, ...change }), message);
      assert.throws(() => validateOptions({ dataDir: tmpdir(), agentScript: 'agent.js', oidc: { ...GOOD, ...change } }), (err: unknown) => err instanceof HubConfigError && message.test(err.message));
    });
  }

  it('reads a YAML file, the secret from the environment winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'classpod-oidc-config-'));
    try {
      const file = join(dir, 'oidc.yaml');
      writeFileSync(file, 'oidc:\n  issuer: https://login.uni.example\n  clientId: classpod\n  clientSecret: from-file\n  roleMapping:\n    cs101-tas: [{ course: cs101, role: assistant }]\n');
      assert.equal(readOidcConfigFile(file, {}).clientSecret, 'from-file');
      const o = validateOidcOptions(readOidcConfigFile(file, { CLASSPOD_OIDC_CLIENT_SECRET: 'from-env' }));
      assert.equal(o.clientSecret, 'from-env');
      assert.deepEqual(o.roleMapping, { 'cs101-tas': [{ course: 'cs101', role: 'assistant' }] });
      assert.throws(() => readOidcConfigFile(join(dir, 'missing.yaml'), {}), /the OIDC configuration cannot be read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
