// refresh-load.mjs, the peers of the refresh sweep bench: each client refreshes every grant
// once, hands on the rotated grants, and counts a refused refresh as a failure.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';

import { control } from '../lib/client.mjs';
import { CLIENT, SANDBOX_DIR, startSandbox } from './helpers.mjs';

const run = promisify(execFile);

let sandbox;
let dir;

before(async () => {
  sandbox = await startSandbox();
  dir = await mkdtemp(path.join(tmpdir(), 'sandbox-refresh-load-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
  await sandbox.stop();
});

const common = () => ['--issuer', sandbox.issuer, '--client-id', CLIENT.clientId,
  '--client-secret', CLIENT.clientSecret];
const tokenState = async (tokens) =>
  (await control(sandbox.issuer, 'refresh-token-state', { tokens })).body;
const refreshTokens = async (file) =>
  JSON.parse(await readFile(file, 'utf8')).map((grant) => grant.refreshToken);

async function load(client, grants, out) {
  const args = ['refresh-load.mjs', ...common(), '--grants', grants, '--concurrency', '2',
    '--client', client];
  if (out) args.push('--out', out);
  try {
    const { stdout } = await run(process.execPath, args, { cwd: SANDBOX_DIR });
    return { code: 0, summary: JSON.parse(stdout) };
  } catch (error) {
    return { code: error.code, summary: error.stdout ? JSON.parse(error.stdout) : undefined };
  }
}

describe('refresh-load.mjs', () => {
  test('plain and openid-client each refresh every grant once and hand on live tokens',
    async () => {
      const made = path.join(dir, 'grants.json');
      await run(process.execPath, ['grants.mjs', ...common(), '--count', '3', '--out', made],
        { cwd: SANDBOX_DIR });

      const plainOut = path.join(dir, 'plain.json');
      const plain = await load('plain', made, plainOut);
      assert.equal(plain.code, 0);
      assert.equal(plain.summary.client, 'plain');
      assert.equal(plain.summary.refreshes, 3);
      assert.equal(plain.summary.failed, 0);
      assert.ok(plain.summary.perSecond > 0);
      assert.equal((await stat(plainOut)).mode & 0o777, 0o600);
      assert.deepEqual(await tokenState(await refreshTokens(made)),
        { live: 0, spent: 3, unknown: 0 });
      assert.deepEqual(await tokenState(await refreshTokens(plainOut)),
        { live: 3, spent: 0, unknown: 0 });

      const peerOut = path.join(dir, 'openid-client.json');
      const peer = await load('openid-client', plainOut, peerOut);
      assert.equal(peer.code, 0);
      assert.equal(peer.summary.client, 'openid-client');
      assert.equal(peer.summary.failed, 0);
      assert.deepEqual(await tokenState(await refreshTokens(peerOut)),
        { live: 3, spent: 0, unknown: 0 });
    });

  test('a refused refresh counts as failed and exits 1', async () => {
    const spent = path.join(dir, 'spent.json');
    await run(process.execPath, ['grants.mjs', ...common(), '--count', '1', '--out', spent],
      { cwd: SANDBOX_DIR });
    assert.equal((await load('plain', spent)).code, 0);
    const again = await load('plain', spent);
    assert.equal(again.code, 1);
    assert.equal(again.summary.failed, 1);
    const peer = await load('openid-client', spent);
    assert.equal(peer.code, 1);
    assert.equal(peer.summary.failed, 1);
  });
});
