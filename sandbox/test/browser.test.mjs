// scripted-browser.mjs against the real login and consent pages, and the helpers it is
// built from (form parsing, cookie jar, raw callback request, state rewriting).
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { Browser, CALLBACK_PATH, parseForms, rawGet, rewriteState } from '../lib/browser.mjs';
import { authorizeUrl, exchangeCode, startCallbackListener } from '../lib/client.mjs';
import { CookieJar } from '../lib/cookiejar.mjs';
import { makePkce, randomToken } from '../lib/pkce.mjs';
import { CLIENT, runNode, startSandbox } from './helpers.mjs';

let sandbox;

before(async () => {
  sandbox = await startSandbox();
});

after(async () => {
  await sandbox.stop();
});

// Runs the scripted browser against a fresh authorization; resolves with its exit code,
// its stdout JSON, and what our callback listener received (or undefined).
async function browse(args = [], scope = undefined) {
  const listener = await startCallbackListener();
  const pkce = makePkce();
  const state = randomToken(32);
  const { redirectUri } = listener;
  const url = authorizeUrl(sandbox.issuer, { ...CLIENT, redirectUri, pkce, state, scope });
  try {
    const run = await runNode('scripted-browser.mjs', [url, ...args]);
    const received = await Promise.race([listener.callback, Promise.resolve(undefined)]);
    const output = run.stdout.trim() ? JSON.parse(run.stdout) : undefined;
    return { ...run, output, query: received, state, pkce, redirectUri };
  } finally {
    await listener.close();
  }
}

describe('scripted browser with the real pages', () => {
  test('approve -> callback with code and the original state; code exchanges', async () => {
    const run = await browse(['--login', 'bob', '--decision', 'approve']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.output, { callbackStatus: 200 });
    assert.equal(run.query.get('state'), run.state);
    const token = await exchangeCode(sandbox.issuer, {
      ...CLIENT,
      code: run.query.get('code'),
      redirectUri: run.redirectUri,
      verifier: run.pkce.verifier,
    });
    assert.equal(token.status, 200);
    assert.ok(token.body.refresh_token);
  });

  test('deny -> callback with error=access_denied', async () => {
    const run = await browse(['--decision', 'deny']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.query.get('error'), 'access_denied');
    assert.equal(run.query.get('code'), null);
  });

  test('wrong password -> exit 1, no callback', async () => {
    const run = await browse(['--password', 'wrong']);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.equal(run.query, undefined);
  });

  test('--tamper-state -> a different state reaches the callback', async () => {
    const run = await browse(['--tamper-state']);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.query.get('state'));
    assert.notEqual(run.query.get('state'), run.state);
    assert.ok(run.query.get('code'));
  });

  test('--drop-state -> no state at the callback', async () => {
    const run = await browse(['--drop-state']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.query.has('state'), false);
    assert.ok(run.query.get('code'));
  });

  test('the callback status is the one the app answered', async () => {
    const server = http.createServer((req, res) => res.writeHead(400).end('bad state'));
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const redirectUri = `http://127.0.0.1:${server.address().port}${CALLBACK_PATH}`;
    const url = authorizeUrl(sandbox.issuer, { ...CLIENT, redirectUri, pkce: makePkce() });
    const run = await runNode('scripted-browser.mjs', [url]);
    server.close();
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { callbackStatus: 400 });
  });

  test('its stderr carries no code, state or password', async () => {
    const run = await browse(['--password', 'sandbox']);
    assert.equal(run.code, 0);
    for (const secret of [run.query.get('code'), run.state, 'sandbox', 'code=']) {
      assert.equal(run.stderr.includes(secret), false, `stderr leaks ${secret.slice(0, 4)}…`);
    }
  });
});

describe('the pages a person sees', () => {
  test('login, then consent listing exactly the requested scopes', async () => {
    const browser = new Browser();
    const redirectUri = `http://127.0.0.1:5555${CALLBACK_PATH}`;
    const scope = 'openid profile offline_access posts.write';
    const url = authorizeUrl(sandbox.issuer, { ...CLIENT, redirectUri, scope, pkce: makePkce() });
    const login = (await browser.navigate(url)).page;
    assert.match(login.html, /<h1>EasyCRM Sandbox<\/h1>/);
    const [loginForm] = parseForms(login.html);
    assert.deepEqual(loginForm.inputs.map((input) => input.name), ['login', 'password']);

    const action = new URL(loginForm.action, login.url).href;
    const form = { login: 'alice', password: 'sandbox' };
    const consent = (await browser.navigate(action, { method: 'POST', form })).page;
    assert.match(consent.html, /Signed in as <strong>alice<\/strong>/);
    const listed = [...consent.html.matchAll(/<li><code>([^<]+)<\/code>/g)].map((m) => m[1]);
    assert.deepEqual(listed, scope.split(' '));
    const [consentForm] = parseForms(consent.html);
    assert.deepEqual(consentForm.buttons.map((b) => b.value), ['allow', 'deny']);
  });

  test('a rejected login is shown again with the typed login escaped', async () => {
    const browser = new Browser();
    const redirectUri = `http://127.0.0.1:5555${CALLBACK_PATH}`;
    const url = authorizeUrl(sandbox.issuer, { ...CLIENT, redirectUri, pkce: makePkce() });
    const login = (await browser.navigate(url)).page;
    const action = new URL(parseForms(login.html)[0].action, login.url).href;
    const form = { login: '"><b>x</b>', password: 'wrong' };
    const again = (await browser.navigate(action, { method: 'POST', form })).page;
    assert.equal(again.status, 401);
    assert.match(again.html, /Wrong login or password/);
    assert.equal(again.html.includes('<b>x</b>'), false);
    assert.equal(parseForms(again.html)[0].inputs[0].value, form.login);
  });
});

describe('building blocks', () => {
  test('rawGet sends the query byte for byte (no re-encoding of %2F, +, %2B)', async () => {
    let seen;
    const server = http.createServer((req, res) => {
      seen = req.url;
      res.writeHead(204).end();
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const query = '?code=4%2Fab+c%2Bd&state=x%3D';
    const { status } = await rawGet(`http://127.0.0.1:${server.address().port}/p${query}`);
    server.close();
    assert.equal(status, 204);
    assert.equal(seen, `/p${query}`);
  });

  const base = 'http://127.0.0.1:9/cb?code=4%2Fa+b&state=s1&iss=http%3A%2F%2Fx';
  const rewrites = {
    keep: [base, 'keep', base],
    drop: [base, 'drop', 'http://127.0.0.1:9/cb?code=4%2Fa+b&iss=http%3A%2F%2Fx'],
    'drop the only parameter': ['http://h/cb?state=1', 'drop', 'http://h/cb'],
  };
  for (const [name, [input, mode, expected]] of Object.entries(rewrites)) {
    test(`rewriteState ${name}`, () => {
      assert.equal(rewriteState(input, mode), expected);
    });
  }

  test('rewriteState tamper replaces only the state value', () => {
    const tampered = rewriteState(base, 'tamper');
    const prefix = 'http://127.0.0.1:9/cb?code=4%2Fa+b&state=';
    const suffix = '&iss=http%3A%2F%2Fx';
    assert.ok(tampered.startsWith(prefix) && tampered.endsWith(suffix), tampered);
    const state = tampered.slice(prefix.length, -suffix.length);
    assert.match(state, /^[\w-]{43}$/);
  });

  test('parseForms reads inputs, buttons and entity-escaped values', () => {
    const html = `<form method="post" action="/i/1/confirm?a=1&amp;b=2">
      <input type="hidden" name="x" value="&lt;&quot;&#39;&gt;">
      <button type="submit" name="decision" value="allow">Allow</button>
    </form>`;
    const [form] = parseForms(html);
    assert.equal(form.method, 'post');
    assert.equal(form.action, '/i/1/confirm?a=1&b=2');
    assert.equal(form.inputs[0].value, `<"'>`);
    assert.deepEqual(form.buttons.map((b) => b.value), ['allow']);
  });

  test('CookieJar honours path, replaces values and forgets expired cookies', () => {
    const jar = new CookieJar();
    const respond = (...cookies) => ({ headers: { getSetCookie: () => cookies } });
    jar.store('http://h/a', respond('s=1; path=/', 'i=2; path=/interaction/u1; HttpOnly'));
    assert.equal(jar.header('http://h/interaction/u1'), 'i=2; s=1');
    assert.equal(jar.header('http://h/interaction/u10'), 's=1');
    assert.equal(jar.header('http://other/interaction/u1'), '');
    jar.store('http://h/a', respond('s=3; path=/', 'i=; path=/interaction/u1; Max-Age=0'));
    assert.equal(jar.header('http://h/interaction/u1'), 's=3');
  });
});
