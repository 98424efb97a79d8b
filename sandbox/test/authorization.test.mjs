// The authorization endpoint: PKCE S256 required, code flow only, loopback redirect with any
// port, RFC 9207 iss, consent approve/deny, request counters.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Browser, CALLBACK_PATH } from '../lib/browser.mjs';
import { authorizeUrl, control } from '../lib/client.mjs';
import { makePkce } from '../lib/pkce.mjs';
import { CLIENT, authorize, connect, startSandbox } from './helpers.mjs';

let sandbox;

before(async () => {
  sandbox = await startSandbox();
});

after(async () => {
  await sandbox.stop();
});

// The authorization endpoint's answer without a browser: where it redirects, parsed.
async function firstRedirect(params) {
  const redirectUri = params.redirectUri ?? `http://127.0.0.1:5555${CALLBACK_PATH}`;
  const url = authorizeUrl(sandbox.issuer, { ...CLIENT, state: 'state-1', ...params, redirectUri });
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  const parsed = location ? new URL(location, sandbox.issuer) : undefined;
  return { status: response.status, location: parsed };
}

test('discovery names the endpoints the provider catalogue expects', async () => {
  const response = await fetch(`${sandbox.issuer}/.well-known/openid-configuration`);
  const metadata = await response.json();
  assert.equal(metadata.issuer, sandbox.issuer);
  assert.equal(metadata.authorization_endpoint, `${sandbox.issuer}/auth`);
  assert.equal(metadata.token_endpoint, `${sandbox.issuer}/token`);
  assert.equal(metadata.revocation_endpoint, `${sandbox.issuer}/token/revocation`);
  assert.equal(metadata.userinfo_endpoint, `${sandbox.issuer}/me`);
  assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
  assert.deepEqual(metadata.response_types_supported, ['code']);
  assert.equal(metadata.authorization_response_iss_parameter_supported, true);
  for (const scope of ['offline_access', 'mentions.read', 'messages.write', 'posts.write']) {
    assert.ok(metadata.scopes_supported.includes(scope), scope);
  }
});

describe('PKCE (RFC 7636) is mandatory and S256 only', () => {
  const cases = {
    'no code_challenge': {},
    'code_challenge_method plain': { pkce: { challenge: 'a'.repeat(43), method: 'plain' } },
    'challenge without method': { pkce: { challenge: makePkce().challenge } },
  };
  for (const [name, params] of Object.entries(cases)) {
    test(`${name} -> invalid_request at the callback`, async () => {
      const { status, location } = await firstRedirect(params);
      assert.equal(status, 303);
      assert.equal(location.pathname, CALLBACK_PATH);
      assert.equal(location.searchParams.get('error'), 'invalid_request');
      assert.equal(location.searchParams.get('code'), null);
      assert.equal(location.searchParams.get('state'), 'state-1');
    });
  }

  test('S256 challenge -> the request proceeds to sign-in', async () => {
    const { status, location } = await firstRedirect({ pkce: makePkce() });
    assert.equal(status, 303);
    assert.match(location.pathname, /^\/interaction\//);
  });
});

describe('response types and redirect URIs', () => {
  test('implicit (response_type=token) is refused', async () => {
    const extra = { response_type: 'token' };
    const { location } = await firstRedirect({ pkce: makePkce(), extra });
    const answer = new URLSearchParams(location.hash.slice(1) || location.search);
    assert.equal(answer.get('error'), 'unsupported_response_type');
    assert.equal(answer.get('access_token'), null);
  });

  const refused = {
    'other path on loopback': 'http://127.0.0.1:5555/api/integrations/social/callbackx',
    'path prefix only': 'http://127.0.0.1:5555/api/integrations/social',
    localhost: `http://localhost:5555${CALLBACK_PATH}`,
    'https scheme': `https://127.0.0.1:5555${CALLBACK_PATH}`,
    'other host': `http://192.0.2.1:5555${CALLBACK_PATH}`,
  };
  for (const [name, redirectUri] of Object.entries(refused)) {
    test(`redirect_uri ${name} -> error page, no redirect`, async () => {
      const { status, location } = await firstRedirect({ pkce: makePkce(), redirectUri });
      assert.equal(status, 400);
      assert.equal(location, undefined);
    });
  }

  test('any loopback port is accepted (RFC 8252 §7.3)', async () => {
    const first = await authorize(sandbox.issuer);
    const second = await authorize(sandbox.issuer);
    assert.notEqual(new URL(first.redirectUri).port, new URL(second.redirectUri).port);
    assert.ok(first.query.get('code'));
    assert.ok(second.query.get('code'));
  });
});

describe('authorization response', () => {
  test('approve -> code, same state, iss = issuer (RFC 9207)', async () => {
    const { query, state } = await authorize(sandbox.issuer, { decision: 'approve' });
    assert.ok(query.get('code'));
    assert.equal(query.get('state'), state);
    assert.equal(query.get('iss'), sandbox.issuer);
  });

  test('deny -> error=access_denied with a description, no code', async () => {
    const { query, state } = await authorize(sandbox.issuer, { decision: 'deny' });
    assert.equal(query.get('error'), 'access_denied');
    assert.ok(query.get('error_description').length > 0);
    assert.equal(query.get('code'), null);
    assert.equal(query.get('state'), state);
    assert.equal(query.get('iss'), sandbox.issuer);
  });

  test('a scripted decision applies to one authorization only', async () => {
    await control(sandbox.issuer, 'next-interaction', { login: 'bob', decision: 'approve' });
    const url = authorizeUrl(sandbox.issuer, {
      ...CLIENT,
      redirectUri: `http://127.0.0.1:5555${CALLBACK_PATH}`,
      state: 'x',
      pkce: makePkce(),
    });
    const scripted = await new Browser().navigate(url);
    assert.ok(scripted.callbackUrl, 'the scripted authorization shows no page');
    const interactive = await new Browser().navigate(url);
    assert.equal(interactive.callbackUrl, undefined);
    assert.equal(interactive.page.status, 200);
    assert.match(interactive.page.html, /name="password"/);
  });
});

describe('request counters', () => {
  test('stats count authorizations and token requests by grant type', async () => {
    await control(sandbox.issuer, 'reset-stats', {});
    await authorize(sandbox.issuer);
    let { body: stats } = await control(sandbox.issuer, 'stats');
    assert.equal(stats.auth, 1);
    assert.equal(stats.token, 0, 'an authorization alone makes no token request');

    await connect(sandbox.issuer);
    ({ body: stats } = await control(sandbox.issuer, 'stats'));
    assert.equal(stats.auth, 2);
    assert.equal(stats.token, 1);
    assert.deepEqual(stats.token_by_grant, { authorization_code: 1, refresh_token: 0 });
    assert.equal(stats.revocation, 0);
    assert.equal(stats.userinfo, 0);

    const { body: reset } = await control(sandbox.issuer, 'reset-stats', {});
    assert.equal(reset.auth + reset.token, 0);
  });
});
