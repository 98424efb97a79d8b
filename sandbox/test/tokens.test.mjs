// The token, refresh, revocation and userinfo endpoints, and the control API that ends a
// person's grants or shortens access-token lifetime.
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { control, exchangeCode, refresh, revokeToken, userinfo } from '../lib/client.mjs';
import { makePkce } from '../lib/pkce.mjs';
import { CLIENT, authorize, connect, startSandbox } from './helpers.mjs';

let sandbox;

before(async () => {
  sandbox = await startSandbox();
});

after(async () => {
  await sandbox.stop();
});

const refreshWith = (refreshToken) => refresh(sandbox.issuer, { ...CLIENT, refreshToken });

describe('authorization code exchange', () => {
  test('approve -> opaque access token, refresh token, ID token, granted scope', async () => {
    const scope = 'openid profile offline_access mentions.read messages.write';
    const { token } = await connect(sandbox.issuer, { scope });
    assert.equal(token.status, 200);
    assert.equal(token.body.token_type, 'Bearer');
    assert.ok(token.body.access_token);
    assert.equal(token.body.access_token.split('.').length, 1, 'opaque, not a JWT');
    assert.ok(token.body.refresh_token);
    assert.ok(token.body.id_token);
    assert.equal(token.body.expires_in, 3600);
    assert.deepEqual(token.body.scope.split(' ').sort(), scope.split(' ').sort());
  });

  test('without offline_access -> no refresh token', async () => {
    const { token } = await connect(sandbox.issuer, { scope: 'openid profile' });
    assert.equal(token.status, 200);
    assert.equal(token.body.refresh_token, undefined);
  });

  const failures = {
    'wrong code_verifier': () => ({ verifier: makePkce().verifier }),
    'missing code_verifier': () => ({ verifier: undefined }),
    'other redirect_uri port': (flow) => ({
      redirectUri: flow.redirectUri.replace(/:\d+\//, ':1/'),
    }),
  };
  for (const [name, change] of Object.entries(failures)) {
    test(`${name} -> invalid_grant`, async () => {
      const flow = await authorize(sandbox.issuer);
      const request = {
        ...CLIENT,
        code: flow.query.get('code'),
        redirectUri: flow.redirectUri,
        verifier: flow.pkce.verifier,
        ...change(flow),
      };
      const token = await exchangeCode(sandbox.issuer, request);
      assert.equal(token.status, 400);
      assert.equal(token.body.error, 'invalid_grant');
      assert.equal(token.body.access_token, undefined);
    });
  }

  test('wrong client secret -> invalid_client', async () => {
    const flow = await authorize(sandbox.issuer);
    const token = await exchangeCode(sandbox.issuer, {
      ...CLIENT,
      clientSecret: 'not-the-secret',
      code: flow.query.get('code'),
      redirectUri: flow.redirectUri,
      verifier: flow.pkce.verifier,
    });
    assert.equal(token.status, 401);
    assert.equal(token.body.error, 'invalid_client');
  });

  test('a code works once', async () => {
    const flow = await connect(sandbox.issuer);
    assert.equal(flow.token.status, 200);
    const { code, redirectUri } = flow;
    const verifier = flow.pkce.verifier;
    const again = await exchangeCode(sandbox.issuer, { ...CLIENT, code, redirectUri, verifier });
    assert.equal(again.body.error, 'invalid_grant');
  });
});

describe('ID token', () => {
  test('signed by a key in the JWKS; iss, aud and sub as expected', async () => {
    const { token } = await connect(sandbox.issuer, { login: 'bob' });
    const [header, payload, signature] = token.body.id_token.split('.');
    const decode = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    const { keys } = await (await fetch(`${sandbox.issuer}/jwks`)).json();
    const jwk = keys.find((key) => key.kid === decode(header).kid);
    assert.ok(jwk, 'the signing key is published');
    assert.equal(jwk.d, undefined, 'no private part in the JWKS');
    const valid = verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    );
    assert.ok(valid);
    const claims = decode(payload);
    assert.equal(claims.iss, sandbox.issuer);
    assert.equal(claims.aud, CLIENT.clientId);
    assert.equal(claims.sub, 'bob-0002');
  });
});

describe('userinfo (/me)', () => {
  const people = {
    alice: { sub: 'alice-0001', preferred_username: 'alice', name: 'Alice Example' },
    bob: { sub: 'bob-0002', preferred_username: 'bob', name: 'Bob Example' },
  };
  for (const [login, expected] of Object.entries(people)) {
    test(`${login}: sub, preferred_username, name`, async () => {
      const { token } = await connect(sandbox.issuer, { login });
      const profile = await userinfo(sandbox.issuer, token.body.access_token);
      assert.equal(profile.status, 200);
      assert.deepEqual(profile.body, expected);
    });
  }

  test('without profile scope -> sub only', async () => {
    const { token } = await connect(sandbox.issuer, { scope: 'openid offline_access' });
    const profile = await userinfo(sandbox.issuer, token.body.access_token);
    assert.deepEqual(profile.body, { sub: 'alice-0001' });
  });
});

describe('refresh tokens rotate and are single use', () => {
  test('refresh -> new access and refresh token; the old refresh token is rejected', async () => {
    const { token } = await connect(sandbox.issuer);
    const first = await refreshWith(token.body.refresh_token);
    assert.equal(first.status, 200);
    assert.ok(first.body.access_token);
    assert.notEqual(first.body.refresh_token, token.body.refresh_token);
    assert.notEqual(first.body.access_token, token.body.access_token);

    const reused = await refreshWith(token.body.refresh_token);
    assert.equal(reused.status, 400);
    assert.equal(reused.body.error, 'invalid_grant');
  });

  test('reuse ends the whole grant (RFC 9700 §4.14.2 reuse detection)', async () => {
    const { token } = await connect(sandbox.issuer);
    const rotated = await refreshWith(token.body.refresh_token);
    await refreshWith(token.body.refresh_token);
    const next = await refreshWith(rotated.body.refresh_token);
    assert.equal(next.body.error, 'invalid_grant');
  });

  test('a chain of refreshes keeps working', async () => {
    let { token } = await connect(sandbox.issuer);
    for (let i = 0; i < 3; i += 1) {
      token = await refreshWith(token.body.refresh_token);
      assert.equal(token.status, 200);
    }
    const profile = await userinfo(sandbox.issuer, token.body.access_token);
    assert.equal(profile.status, 200);
  });
});

describe('refresh token reuse (Google)', () => {
  after(async () => {
    await control(sandbox.issuer, 'config', { refreshTokenRotation: 'rotate' });
  });

  test('"reuse" -> refresh answers no refresh_token and the old one keeps working', async () => {
    const { token } = await connect(sandbox.issuer);
    await control(sandbox.issuer, 'config', { refreshTokenRotation: 'reuse' });
    for (let i = 0; i < 2; i += 1) {
      const refreshed = await refreshWith(token.body.refresh_token);
      assert.equal(refreshed.status, 200);
      assert.ok(refreshed.body.access_token);
      assert.equal(refreshed.body.refresh_token, undefined);
    }
  });

  test('refreshTokenRotation other than rotate or reuse -> 400', async () => {
    const { status } = await control(sandbox.issuer, 'config', { refreshTokenRotation: 'never' });
    assert.equal(status, 400);
  });
});

describe('revocation', () => {
  test('revoke-grants -> refresh fails with invalid_grant, access token rejected', async () => {
    const { token } = await connect(sandbox.issuer, { login: 'bob' });
    const alice = await connect(sandbox.issuer, { login: 'alice' });
    const { status, body } = await control(sandbox.issuer, 'revoke-grants', { login: 'bob' });
    assert.equal(status, 200);
    assert.ok(body.grants >= 1);

    const refreshed = await refreshWith(token.body.refresh_token);
    assert.equal(refreshed.status, 400);
    assert.equal(refreshed.body.error, 'invalid_grant');
    const profile = await userinfo(sandbox.issuer, token.body.access_token);
    assert.equal(profile.status, 401);

    const untouched = await refreshWith(alice.token.body.refresh_token);
    assert.equal(untouched.status, 200, 'other people keep their grants');
  });

  test('RFC 7009: revoking the refresh token ends it', async () => {
    const { token } = await connect(sandbox.issuer);
    const revoked = await revokeToken(sandbox.issuer, {
      ...CLIENT,
      token: token.body.refresh_token,
      hint: 'refresh_token',
    });
    assert.equal(revoked.status, 200);
    const refreshed = await refreshWith(token.body.refresh_token);
    assert.equal(refreshed.body.error, 'invalid_grant');
  });

  test('RFC 7009 §2.2: an unknown token still answers 200', async () => {
    const revoked = await revokeToken(sandbox.issuer, { ...CLIENT, token: 'no-such-token' });
    assert.equal(revoked.status, 200);
  });
});

describe('access-token lifetime', () => {
  test('POST /__sandbox/config changes expires_in for new tokens', async () => {
    const changed = await control(sandbox.issuer, 'config', { accessTokenTtl: 2 });
    assert.equal(changed.body.accessTokenTtl, 2);
    try {
      const { token } = await connect(sandbox.issuer);
      assert.equal(token.body.expires_in, 2);
      // Expiry is wall-clock by nature: poll until the server stops accepting the token.
      const deadline = Date.now() + 6000;
      let status = 200;
      while (status === 200 && Date.now() < deadline) {
        ({ status } = await userinfo(sandbox.issuer, token.body.access_token));
        if (status === 200) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      assert.equal(status, 401);
      const refreshed = await refreshWith(token.body.refresh_token);
      assert.equal(refreshed.status, 200, 'the refresh token outlives the access token');
    } finally {
      await control(sandbox.issuer, 'config', { accessTokenTtl: 3600 });
    }
  });

  const invalid = { zero: 0, negative: -5, fraction: 1.5, text: '60' };
  for (const [name, value] of Object.entries(invalid)) {
    test(`accessTokenTtl ${name} -> 400`, async () => {
      const { status } = await control(sandbox.issuer, 'config', { accessTokenTtl: value });
      assert.equal(status, 400);
    });
  }
});
