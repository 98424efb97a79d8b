#!/usr/bin/env node
// Benchmark baseline: one connect done by a plain scripted HTTP client, exactly the steps
// the desktop app takes, repeated --rounds times, timed inside the process.
//
//   PKCE + state -> loopback listener -> next-interaction approve -> authorize (browser part,
//   redirects to our own callback) -> check state -> POST /token with code_verifier -> GET /me
//
//   node sandbox/bare-client.mjs --issuer URL --client-id ID --client-secret S [--rounds N]
//
// stdout: one line {"rounds":N,"medianMs":x,"meanMs":y}; exit 1 on any failed round.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import { Browser, rawGet } from './lib/browser.mjs';
import { authorizeUrl, control, exchangeCode, startCallbackListener, userinfo } from
  './lib/client.mjs';
import { makePkce, randomToken } from './lib/pkce.mjs';

const OPTIONS = {
  issuer: { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  rounds: { type: 'string', default: '20' },
  login: { type: 'string', default: 'alice' },
};

function parseCommandLine(argv) {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true });
  for (const name of ['issuer', 'client-id', 'client-secret']) {
    if (!values[name]) throw new Error(`--${name} is required`);
  }
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be >= 1');
  return {
    issuer: values.issuer.replace(/\/+$/, ''),
    clientId: values['client-id'],
    clientSecret: values['client-secret'],
    login: values.login,
    rounds,
  };
}

function expect(condition, what) {
  if (!condition) throw new Error(what);
}

async function browserPart(url, redirectUri) {
  const outcome = await new Browser().navigate(url);
  expect(outcome.callbackUrl?.startsWith(`${redirectUri}?`), 'the browser did not reach us');
  await rawGet(outcome.callbackUrl);
}

async function connectOnce(options) {
  const { issuer, clientId, clientSecret } = options;
  const pkce = makePkce();
  const state = randomToken(32);
  const listener = await startCallbackListener();
  try {
    const { redirectUri } = listener;
    await control(issuer, 'next-interaction', { login: options.login, decision: 'approve' });
    await browserPart(authorizeUrl(issuer, { clientId, redirectUri, pkce, state }), redirectUri);
    const query = await listener.callback;
    expect(query.get('state') === state, 'state mismatch');
    expect(query.get('iss') === issuer, 'iss mismatch (RFC 9207)');
    const code = query.get('code');
    const verifier = pkce.verifier;
    const token = await exchangeCode(issuer, { clientId, clientSecret, code, redirectUri,
      verifier });
    expect(token.status === 200 && token.body.access_token, `token request: ${token.status}`);
    const profile = await userinfo(issuer, token.body.access_token);
    expect(profile.status === 200 && profile.body.sub, `userinfo: ${profile.status}`);
  } finally {
    await listener.close();
  }
}

function summarize(durations) {
  const sorted = [...durations].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  const round3 = (value) => Math.round(value * 1000) / 1000;
  return { rounds: sorted.length, medianMs: round3(median), meanMs: round3(mean) };
}

async function main() {
  const options = parseCommandLine(process.argv.slice(2));
  const durations = [];
  for (let round = 0; round < options.rounds; round += 1) {
    const started = performance.now();
    await connectOnce(options);
    durations.push(performance.now() - started);
  }
  process.stdout.write(`${JSON.stringify(summarize(durations))}\n`);
}

main().catch((error) => {
  process.stderr.write(`bare-client: failed: ${error.message}\n`);
  process.exitCode = 1;
});
