// The control endpoints that let a many-clients test prove no rotating refresh token was
// presented twice and that every stored token is the live end of its chain, and the grants
// script that makes many real grants for such a test.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, beforeEach, describe, test } from 'node:test';

import { control, refresh } from '../lib/client.mjs';
import { CLIENT, SANDBOX_DIR, connect, startSandbox } from './helpers.mjs';

let sandbox;

before(async () => {
  sandbox = await startSandbox();
});

after(async () => {
  await sandbox.stop();
});

beforeEach(async () => {
  await control(sandbox.issuer, 'reset-stats', {});
});

const refreshWith = (refreshToken) => refresh(sandbox.issuer, { ...CLIENT, refreshToken });
const reuse = async () => (await control(sandbox.issuer, 'refresh-reuse')).body;
const tokenState = async (tokens) =>
  (await control(sandbox.issuer, 'refresh-token-state', { tokens })).body;

describe('GET /__sandbox/refresh-reuse', () => {
  test('a rotation chain presents each token once', async () => {
    let { token } = await connect(sandbox.issuer);
    for (let i = 0; i < 3; i += 1) token = await refreshWith(token.body.refresh_token);
    assert.deepEqual(await reuse(), { presented: 3, distinct: 3, reused: 0, maxUses: 1 });
  });

  test('a spent token presented again counts as reused, even though it fails', async () => {
    const { token } = await connect(sandbox.issuer);
    await refreshWith(token.body.refresh_token);
    const again = await refreshWith(token.body.refresh_token);
    assert.equal(again.body.error, 'invalid_grant');
    assert.deepEqual(await reuse(), { presented: 2, distinct: 1, reused: 1, maxUses: 2 });
  });

  test('reset-stats forgets presented tokens', async () => {
    const { token } = await connect(sandbox.issuer);
    await refreshWith(token.body.refresh_token);
    await control(sandbox.issuer, 'reset-stats', {});
    assert.equal((await reuse()).presented, 0);
  });
});

describe('POST /__sandbox/refresh-token-state', () => {
  test('live end of the chain, spent predecessor, unknown value', async () => {
    const { token } = await connect(sandbox.issuer);
    const rotated = await refreshWith(token.body.refresh_token);
    const state = await tokenState([rotated.body.refresh_token, token.body.refresh_token,
      'not-a-token']);
    assert.deepEqual(state, { live: 1, spent: 1, unknown: 1 });
  });

  test('a grant ended by reuse detection leaves no live token', async () => {
    const { token } = await connect(sandbox.issuer);
    const rotated = await refreshWith(token.body.refresh_token);
    await refreshWith(token.body.refresh_token);
    assert.equal((await tokenState([rotated.body.refresh_token])).live, 0);
  });

  test('not an array -> 400', async () => {
    const answer = await control(sandbox.issuer, 'refresh-token-state', { tokens: 'x' });
    assert.equal(answer.status, 400);
  });
});

describe('grants.mjs', () => {
  test('writes N distinct live grants to a private file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sandbox-grants-'));
    try {
      const out = path.join(dir, 'grants.json');
      const { stdout } = await promisify(execFile)(process.execPath, ['grants.mjs',
        '--issuer', sandbox.issuer, '--client-id', CLIENT.clientId,
        '--client-secret', CLIENT.clientSecret, '--count', '3', '--out', out],
      { cwd: SANDBOX_DIR });
      assert.equal(JSON.parse(stdout).grants, 3);
      assert.equal((await stat(out)).mode & 0o777, 0o600);
      const grants = JSON.parse(await readFile(out, 'utf8'));
      const refreshTokens = grants.map((grant) => grant.refreshToken);
      assert.equal(new Set(refreshTokens).size, 3);
      assert.deepEqual(await tokenState(refreshTokens), { live: 3, spent: 0, unknown: 0 });
      assert.ok(grants.every((grant) => grant.accessToken && grant.expiresIn > 0));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
