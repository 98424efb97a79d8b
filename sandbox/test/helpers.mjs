// Shared test plumbing: start a sandbox on a free port, run one authorization through it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

import { Browser } from '../lib/browser.mjs';
import { authorizeUrl, control, exchangeCode, startCallbackListener } from '../lib/client.mjs';
import { makePkce, randomToken } from '../lib/pkce.mjs';

export const SANDBOX_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const CLIENT = { clientId: 'easycrm-desktop', clientSecret: 'test-secret-value' };

function firstLine(stream) {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk) => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end < 0) return;
      stream.off('data', onData);
      resolve({ line: buffered.slice(0, end), rest: () => buffered.slice(end + 1) });
    };
    stream.setEncoding('utf8');
    stream.on('data', onData);
    stream.once('end', () => reject(new Error('stdout ended before the ready line')));
  });
}

// Starts server.mjs with --port 0; resolves once its ready line arrived.
export async function startSandbox(extraArgs = []) {
  const args = ['server.mjs', '--port', '0', '--verbose', '--client-id', CLIENT.clientId,
    '--client-secret', CLIENT.clientSecret, ...extraArgs];
  const child = spawn(process.execPath, args, { cwd: SANDBOX_DIR, stdio: 'pipe' });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = once(child, 'exit');
  const { line, rest } = await firstLine(child.stdout);
  let laterStdout = '';
  child.stdout.on('data', (chunk) => {
    laterStdout += chunk;
  });
  const ready = JSON.parse(line);
  return {
    ...ready,
    readyLine: line,
    child,
    stderr: () => stderr,
    stdoutAfterReady: () => rest() + laterStdout,
    async stop() {
      if (child.exitCode === null) child.stdin.end();
      const [code, signal] = await exited;
      return { code, signal };
    },
  };
}

// One authorization up to the callback, the way the desktop app starts it. `decision` is
// scripted through the control API; returns what the loopback listener received.
export async function authorize(issuer, options = {}) {
  const { login = 'alice', decision = 'approve', scope, pkce = makePkce(), extra } = options;
  const state = randomToken(32);
  const listener = await startCallbackListener();
  try {
    await control(issuer, 'next-interaction', { login, decision });
    const { redirectUri } = listener;
    const url = authorizeUrl(issuer, { ...CLIENT, redirectUri, pkce, state, scope, extra });
    const outcome = await new Browser().navigate(url);
    if (!outcome.callbackUrl) throw new Error(`no callback, page HTTP ${outcome.page?.status}`);
    await fetch(outcome.callbackUrl);
    const query = await listener.callback;
    return { query, state, pkce, redirectUri, callbackUrl: outcome.callbackUrl };
  } finally {
    await listener.close();
  }
}

// authorize() then the code exchange; returns the token response and what led to it.
export async function connect(issuer, options = {}) {
  const flow = await authorize(issuer, options);
  const code = flow.query.get('code');
  const { redirectUri } = flow;
  const verifier = flow.pkce.verifier;
  const token = await exchangeCode(issuer, { ...CLIENT, code, redirectUri, verifier });
  return { ...flow, code, token };
}

export function runNode(script, args, { timeoutMs = 20_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: SANDBOX_DIR });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
