#!/usr/bin/env node
// EasyCRM sandbox OAuth 2.0 / OpenID Connect provider, on 127.0.0.1 only.
//
//   node sandbox/server.mjs [--port N] [--access-token-ttl S] [--refresh-token-ttl S]
//                           [--client-id ID] [--client-secret SECRET] [--verbose]
//                           [--ignore-stdin]
//
// stdout carries exactly one line, {"ready":true,"issuer":...,"port":...}, once listening;
// everything else goes to stderr. The process ends on SIGTERM, SIGINT, or when stdin closes,
// so a parent that dies takes the sandbox with it.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import { createControlHandler, InteractionScript } from './lib/control.mjs';
import { HttpError, sendHtml, sendJson } from './lib/http.mjs';
import { createInteractionHandler } from './lib/interactions.mjs';
import { log, setVerbose } from './lib/log.mjs';
import { MemoryStore } from './lib/adapter.mjs';
import { errorPage } from './lib/pages.mjs';
import { createProvider } from './lib/provider.mjs';
import { Stats } from './lib/stats.mjs';

// oidc-provider prints notices with console.info; stdout is reserved for the ready line.
console.log = console.error;
console.info = console.error;

const HOST = '127.0.0.1';

const OPTIONS = {
  port: { type: 'string', default: '4010' },
  'access-token-ttl': { type: 'string', default: '3600' },
  'refresh-token-ttl': { type: 'string', default: String(14 * 24 * 3600) },
  'client-id': { type: 'string', default: 'easycrm-desktop' },
  'client-secret': { type: 'string', default: 'sandbox-secret' },
  verbose: { type: 'boolean', default: false },
  'ignore-stdin': { type: 'boolean', default: false },
};

function integerOption(values, name, min, max) {
  const text = values[name];
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new Error(`--${name} must be an integer between ${min} and ${max}`);
  }
  return value;
}

function parseCommandLine(argv) {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true });
  if (values['client-id'] === '' || values['client-secret'] === '') {
    throw new Error('--client-id and --client-secret must not be empty');
  }
  return {
    port: integerOption(values, 'port', 0, 65535),
    clientId: values['client-id'],
    clientSecret: values['client-secret'],
    verbose: values.verbose,
    ignoreStdin: values['ignore-stdin'],
    settings: {
      accessTokenTtl: integerOption(values, 'access-token-ttl', 1, 366 * 24 * 3600),
      refreshTokenTtl: integerOption(values, 'refresh-token-ttl', 1, 366 * 24 * 3600),
      refreshTokenRotation: 'rotate',
    },
  };
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve(server.address().port);
    });
  });
}

function answerError(res, pathname, error) {
  if (res.headersSent) return res.destroy();
  const status = error instanceof HttpError ? error.status : 500;
  const message = error instanceof HttpError ? error.message : 'internal error';
  if (!(error instanceof HttpError)) log.error(`handler failed: ${error.name}: ${error.message}`);
  if (pathname.startsWith('/__sandbox/')) return sendJson(res, status, { error: message });
  return sendHtml(res, status, errorPage({ title: 'Something went wrong', description: message }));
}

// oidc-provider reports a missing or expired interaction cookie as SessionNotFound.
function asHttpError(error) {
  if (error?.name === 'SessionNotFound') {
    return new HttpError(400, 'This sign-in expired or its cookie is missing. Start again.');
  }
  return error;
}

function createDispatcher(provider, handlers) {
  const oidc = provider.callback();
  return async (req, res) => {
    let pathname = '/';
    try {
      pathname = new URL(`http://${HOST}${req.url}`).pathname;
      if (pathname.startsWith('/__sandbox/')) return await handlers.control(req, res, pathname);
      if (pathname.startsWith('/interaction/')) {
        return await handlers.interaction(req, res, pathname);
      }
      return await oidc(req, res);
    } catch (error) {
      return answerError(res, pathname, asHttpError(error));
    }
  };
}

function installShutdown(server, ignoreStdin) {
  let stopping = false;
  const stop = (reason) => {
    if (stopping) return;
    stopping = true;
    log.info(`stopping: ${reason}`);
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // A terminal's stdin never "closes", and reading it from a background job would stop us.
  if (ignoreStdin || process.stdin.isTTY) return;
  process.stdin.on('end', () => stop('stdin closed'));
  process.stdin.on('error', () => stop('stdin error'));
  process.stdin.resume();
}

async function main() {
  const options = parseCommandLine(process.argv.slice(2));
  setVerbose(options.verbose);

  let dispatch = (_req, res) => sendJson(res, 503, { error: 'starting' });
  const server = createServer((req, res) => dispatch(req, res));
  const port = await listen(server, options.port);
  const issuer = `http://${HOST}:${port}`;

  const store = new MemoryStore();
  const stats = new Stats();
  const script = new InteractionScript();
  const { clientId, clientSecret, settings } = options;
  const provider = createProvider({ issuer, clientId, clientSecret, settings, store, stats });
  dispatch = createDispatcher(provider, {
    control: createControlHandler({ store, settings, script, stats }),
    interaction: createInteractionHandler({ provider, script }),
  });

  installShutdown(server, options.ignoreStdin);
  process.stdout.write(`${JSON.stringify({ ready: true, issuer, port })}\n`);
  log.info(`listening on ${issuer} for client ${clientId}`);
}

main().catch((error) => {
  log.error(error.message);
  process.exit(2);
});
