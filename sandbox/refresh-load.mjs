#!/usr/bin/env node
// Refresh-grant load against the sandbox's token endpoint, for the refresh sweep bench: one
// refresh per grant in the file, at most --concurrency at once, timed inside the process.
//
//   node sandbox/refresh-load.mjs --issuer URL --client-id ID --client-secret S
//        --grants FILE --concurrency N [--client plain|openid-client] [--out FILE]
//
//   plain          one bare POST /token per grant: the endpoint's ceiling at this concurrency
//   openid-client  openid-client's refreshTokenGrant after discovery: a Node peer doing the
//                  same sweep (its response checks included)
//
// FILE: what grants.mjs wrote. --out: the refreshed grants in the same shape (mode 0600, the
// rotated tokens are live), so a bench can sweep the same grants again. stdout:
// {"client":…,"refreshes":N,"failed":n,"ms":x,"perSecond":y}. Exit 1 when any refresh failed.
import { readFile, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import * as oidc from 'openid-client';

import { refresh } from './lib/client.mjs';

const OPTIONS = {
  issuer: { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  grants: { type: 'string' },
  concurrency: { type: 'string', default: '4' },
  client: { type: 'string', default: 'plain' },
  out: { type: 'string' },
};

function parseCommandLine(argv) {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true });
  for (const name of ['issuer', 'client-id', 'client-secret', 'grants']) {
    if (!values[name]) throw new Error(`--${name} is required`);
  }
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error('--concurrency must be >= 1');
  }
  if (!['plain', 'openid-client'].includes(values.client)) {
    throw new Error('--client must be plain or openid-client');
  }
  return { ...values, concurrency };
}

// The refreshed grant, in grants.mjs's shape; null unless a new access token came back.
function grantFrom(tokens, refreshToken) {
  if (!tokens.access_token) return null;
  return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token ?? refreshToken,
    expiresIn: tokens.expires_in, scope: tokens.scope };
}

// A function refreshing one token; resolves to the refreshed grant, or null.
async function makeRefresher(options) {
  const clientId = options['client-id'];
  const clientSecret = options['client-secret'];
  if (options.client === 'plain') {
    return async (refreshToken) => {
      const answer = await refresh(options.issuer, { clientId, clientSecret, refreshToken });
      return answer.status === 200 ? grantFrom(answer.body, refreshToken) : null;
    };
  }
  // The sandbox is plain HTTP on loopback; openid-client refuses that unless told.
  const config = await oidc.discovery(new URL(options.issuer), clientId, clientSecret,
    oidc.ClientSecretPost(clientSecret), { execute: [oidc.allowInsecureRequests] });
  return async (refreshToken) => {
    const tokens = await oidc.refreshTokenGrant(config, refreshToken);
    return grantFrom(tokens, refreshToken);
  };
}

// Refreshes every token, at most `concurrency` at once; the refreshed grants in input order
// (null where a refresh failed).
async function sweep(tokens, concurrency, refresher) {
  const refreshed = new Array(tokens.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < tokens.length) {
      const index = next;
      next += 1;
      refreshed[index] = await refresher(tokens[index]).catch(() => null);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return refreshed;
}

async function main() {
  const options = parseCommandLine(process.argv.slice(2));
  const grants = JSON.parse(await readFile(options.grants, 'utf8'));
  const tokens = grants.map((grant) => grant.refreshToken);
  const refresher = await makeRefresher(options);
  const started = performance.now();
  const refreshed = await sweep(tokens, options.concurrency, refresher);
  const ms = performance.now() - started;
  const failed = refreshed.filter((grant) => grant === null).length;
  if (options.out) {
    await writeFile(options.out, JSON.stringify(refreshed.filter(Boolean)), { mode: 0o600 });
  }
  const round3 = (value) => Math.round(value * 1000) / 1000;
  const perSecond = round3((tokens.length * 1000) / ms);
  process.stdout.write(`${JSON.stringify({ client: options.client, refreshes: tokens.length,
    failed, ms: round3(ms), perSecond })}\n`);
  if (failed > 0) process.exitCode = 1;
}

main().catch((error) => {
  process.stderr.write(`refresh-load: failed: ${error.message}\n`);
  process.exitCode = 1;
});
