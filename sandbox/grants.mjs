#!/usr/bin/env node
// Real grants for tests and benches that need many connections: each one is a whole
// authorization code flow with PKCE (scripted approval, own loopback listener, state and
// `iss` checks, code exchange), so every token is one oidc-provider issued at its /token.
//
//   node sandbox/grants.mjs --issuer URL --client-id ID --client-secret S --count N
//                           --out FILE [--login alice] [--scope "..."]
//
// FILE (created mode 0600, the tokens are live): a JSON array of
// {"accessToken","refreshToken","expiresIn","scope"}. stdout: {"grants":N,"ms":x}.
import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import { Browser, rawGet } from './lib/browser.mjs';
import { DEFAULT_SCOPES, authorizeUrl, control, exchangeCode, startCallbackListener } from
  './lib/client.mjs';
import { makePkce, randomToken } from './lib/pkce.mjs';

const OPTIONS = {
  issuer: { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  count: { type: 'string' },
  out: { type: 'string' },
  login: { type: 'string', default: 'alice' },
  scope: { type: 'string', default: DEFAULT_SCOPES },
};

function parseCommandLine(argv) {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true });
  for (const name of ['issuer', 'client-id', 'client-secret', 'count', 'out']) {
    if (!values[name]) throw new Error(`--${name} is required`);
  }
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 1) throw new Error('--count must be >= 1');
  return { ...values, issuer: values.issuer.replace(/\/+$/, ''), count };
}

function expect(condition, what) {
  if (!condition) throw new Error(what);
}

// One grant. The interaction slot is single, so grants are made one after another.
async function grantOnce(options) {
  const { issuer, login, scope } = options;
  const clientId = options['client-id'];
  const clientSecret = options['client-secret'];
  const pkce = makePkce();
  const state = randomToken(32);
  const listener = await startCallbackListener();
  try {
    const { redirectUri } = listener;
    await control(issuer, 'next-interaction', { login, decision: 'approve' });
    const url = authorizeUrl(issuer, { clientId, redirectUri, pkce, state, scope });
    const outcome = await new Browser().navigate(url);
    expect(outcome.callbackUrl?.startsWith(`${redirectUri}?`), 'the browser did not reach us');
    await rawGet(outcome.callbackUrl);
    const query = await listener.callback;
    expect(query.get('state') === state, 'state mismatch');
    expect(query.get('iss') === issuer, 'iss mismatch (RFC 9207)');
    const token = await exchangeCode(issuer, { clientId, clientSecret, redirectUri,
      code: query.get('code'), verifier: pkce.verifier });
    expect(token.status === 200 && token.body.refresh_token, `token request: ${token.status}`);
    const { access_token: accessToken, refresh_token: refreshToken } = token.body;
    return { accessToken, refreshToken, expiresIn: token.body.expires_in, scope: token.body.scope };
  } finally {
    await listener.close();
  }
}

async function main() {
  const options = parseCommandLine(process.argv.slice(2));
  const started = performance.now();
  const grants = [];
  for (let index = 0; index < options.count; index += 1) grants.push(await grantOnce(options));
  await writeFile(options.out, JSON.stringify(grants), { mode: 0o600 });
  const ms = Math.round(performance.now() - started);
  process.stdout.write(`${JSON.stringify({ grants: grants.length, ms })}\n`);
}

main().catch((error) => {
  process.stderr.write(`grants: failed: ${error.message}\n`);
  process.exitCode = 1;
});
