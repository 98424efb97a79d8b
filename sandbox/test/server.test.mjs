// server.mjs as a process: its stdout contract, its lifetime, its command line, the control
// API's input checks, and what it never writes to its logs. Also the bare benchmark client.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import os from 'node:os';
import { after, before, describe, test } from 'node:test';

import { control, refresh, revokeToken, userinfo } from '../lib/client.mjs';
import { CLIENT, connect, runNode, startSandbox } from './helpers.mjs';

describe('process contract', () => {
  test('stdout is exactly one ready line; stdin closing stops the server', async () => {
    const sandbox = await startSandbox();
    assert.equal(sandbox.readyLine, JSON.stringify({
      ready: true,
      issuer: `http://127.0.0.1:${sandbox.port}`,
      port: sandbox.port,
    }));
    await connect(sandbox.issuer);
    const { code } = await sandbox.stop();
    assert.equal(code, 0);
    assert.equal(sandbox.stdoutAfterReady(), '');
  });

  for (const signal of ['SIGTERM', 'SIGINT']) {
    test(`${signal} stops it cleanly`, async () => {
      const sandbox = await startSandbox();
      const exited = once(sandbox.child, 'exit');
      sandbox.child.kill(signal);
      const [code] = await exited;
      assert.equal(code, 0);
    });
  }

  // Every address of this machine other than 127.0.0.1 must refuse the connection.
  test('listens on 127.0.0.1 only', async () => {
    const others = Object.values(os.networkInterfaces())
      .flat()
      .map((entry) => entry.address)
      .filter((address) => address !== '127.0.0.1');
    const sandbox = await startSandbox();
    try {
      for (const host of ['::1', ...others]) {
        const outcome = await new Promise((resolve) => {
          const socket = net.connect({ host, port: sandbox.port });
          socket.once('connect', () => {
            socket.destroy();
            resolve('connected');
          });
          socket.once('error', () => resolve('refused'));
        });
        assert.equal(outcome, 'refused', `reachable on ${host}`);
      }
    } finally {
      await sandbox.stop();
    }
  });

  test('odd request targets get an answer and do not stop the server', async () => {
    const sandbox = await startSandbox();
    try {
      for (const target of ['*', '@x', ':99999', '//__sandbox/stats', '/%zz']) {
        const firstLine = await new Promise((resolve, reject) => {
          const socket = net.connect(sandbox.port, '127.0.0.1', () => {
            socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
          });
          let answer = '';
          socket.on('data', (chunk) => {
            answer += chunk;
          });
          socket.on('end', () => resolve(answer.split('\r\n')[0]));
          socket.on('error', reject);
        });
        assert.match(firstLine, /^HTTP\/1\.1 [45]\d\d /, target);
      }
      const discovery = await fetch(`${sandbox.issuer}/.well-known/openid-configuration`);
      assert.equal(discovery.status, 200);
    } finally {
      await sandbox.stop();
    }
  });

  test('a busy port -> exit 2 with a message on stderr', async () => {
    const blocker = net.createServer();
    await new Promise((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const args = ['--port', String(blocker.address().port)];
    const run = await runNode('server.mjs', args);
    blocker.close();
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /EADDRINUSE/);
  });

  const badArgs = {
    'port out of range': ['--port', '70000'],
    'port not a number': ['--port', 'abc'],
    'zero access-token ttl': ['--access-token-ttl', '0'],
    'unknown option': ['--bogus'],
    'empty client secret': ['--client-secret', ''],
  };
  for (const [name, args] of Object.entries(badArgs)) {
    test(`${name} -> exit 2, nothing on stdout`, async () => {
      const run = await runNode('server.mjs', args);
      assert.equal(run.code, 2);
      assert.equal(run.stdout, '');
    });
  }

  test('--access-token-ttl and --refresh-token-ttl apply', async () => {
    const sandbox = await startSandbox(['--access-token-ttl', '90', '--refresh-token-ttl', '600']);
    try {
      const { token } = await connect(sandbox.issuer);
      assert.equal(token.body.expires_in, 90);
      const { body } = await control(sandbox.issuer, 'config');
      assert.deepEqual(body, {
        accessTokenTtl: 90,
        refreshTokenTtl: 600,
        refreshTokenRotation: 'rotate',
      });
    } finally {
      await sandbox.stop();
    }
  });
});

describe('control API input checks', () => {
  let sandbox;

  before(async () => {
    sandbox = await startSandbox();
  });

  after(async () => {
    await sandbox.stop();
  });

  const cases = {
    'next-interaction unknown login': ['next-interaction', { login: 'mallory', decision: 'deny' }],
    'next-interaction bad decision': ['next-interaction', { login: 'alice', decision: 'maybe' }],
    'revoke-grants unknown login': ['revoke-grants', { login: 'nobody' }],
    'config ttl too large': ['config', { accessTokenTtl: 10 ** 9 }],
    'JSON array body': ['config', []],
  };
  for (const [name, [endpoint, body]] of Object.entries(cases)) {
    test(`${name} -> 400`, async () => {
      const answer = await control(sandbox.issuer, endpoint, body);
      assert.equal(answer.status, 400);
      assert.ok(answer.body.error);
    });
  }

  test('unknown endpoint -> 404, wrong method -> 404, malformed JSON -> 400', async () => {
    assert.equal((await control(sandbox.issuer, 'nothing-here', {})).status, 404);
    assert.equal((await control(sandbox.issuer, 'constructor')).status, 404);
    assert.equal((await control(sandbox.issuer, 'revoke-grants')).status, 404);
    const response = await fetch(`${sandbox.issuer}/__sandbox/config`, {
      method: 'POST',
      body: '{not json',
    });
    assert.equal(response.status, 400);
  });
});

describe('diagnostics', () => {
  test('verbose stderr never holds a code, token, state, verifier or secret', async () => {
    const sandbox = await startSandbox();
    const flow = await connect(sandbox.issuer);
    const { issuer } = sandbox;
    const refreshToken = flow.token.body.refresh_token;
    const refreshed = await refresh(issuer, { ...CLIENT, refreshToken });
    await refresh(issuer, { ...CLIENT, refreshToken }); // reuse, which revokes the grant
    await userinfo(issuer, refreshed.body.access_token);
    await revokeToken(issuer, { ...CLIENT, token: refreshed.body.access_token });
    await sandbox.stop();

    const secrets = {
      code: flow.code,
      state: flow.state,
      verifier: flow.pkce.verifier,
      access: flow.token.body.access_token,
      refresh: flow.token.body.refresh_token,
      idToken: flow.token.body.id_token,
      rotated: refreshed.body.refresh_token,
      clientSecret: CLIENT.clientSecret,
    };
    const log = sandbox.stderr();
    assert.match(log, /debug: POST token -> 200/, 'verbose logging was on');
    for (const [name, value] of Object.entries(secrets)) {
      assert.ok(value, `${name} was produced`);
      assert.equal(log.includes(value), false, `stderr leaks the ${name}`);
    }
  });
});

describe('bare benchmark client', () => {
  test('runs N connects and prints rounds, median and mean', async () => {
    const sandbox = await startSandbox();
    try {
      await control(sandbox.issuer, 'reset-stats', {});
      const run = await runNode('bare-client.mjs', ['--issuer', sandbox.issuer, '--client-id',
        CLIENT.clientId, '--client-secret', CLIENT.clientSecret, '--rounds', '3']);
      assert.equal(run.code, 0, run.stderr);
      const result = JSON.parse(run.stdout);
      assert.deepEqual(Object.keys(result), ['rounds', 'medianMs', 'meanMs']);
      assert.equal(result.rounds, 3);
      assert.ok(result.medianMs > 0 && result.meanMs > 0);
      const { body: stats } = await control(sandbox.issuer, 'stats');
      assert.equal(stats.auth, 3);
      assert.equal(stats.token_by_grant.authorization_code, 3);
      assert.equal(stats.userinfo, 3);
    } finally {
      await sandbox.stop();
    }
  });

  test('a wrong client secret fails the run with exit 1', async () => {
    const sandbox = await startSandbox();
    try {
      const run = await runNode('bare-client.mjs', ['--issuer', sandbox.issuer, '--client-id',
        CLIENT.clientId, '--client-secret', 'wrong', '--rounds', '1']);
      assert.equal(run.code, 1);
      assert.equal(run.stdout, '');
    } finally {
      await sandbox.stop();
    }
  });
});
