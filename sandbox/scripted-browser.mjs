#!/usr/bin/env node
// Plays the person in front of the browser for one authorization:
//
//   GET authorize URL -> redirects (cookies kept) -> login form -> consent form
//     -> redirects until Location is http://127.0.0.1:<port>/api/integrations/social/callback
//     -> GET that URL exactly as received (optionally with the state tampered or dropped)
//
//   node sandbox/scripted-browser.mjs <authorizeUrl> [--login alice] [--password sandbox]
//        [--decision approve|deny] [--tamper-state] [--drop-state]
//
// stdout: one line {"callbackStatus":<status>}; exit 0 when the callback was reached, 1
// otherwise. stderr: the steps, by path only (queries carry codes and state).
import { parseArgs } from 'node:util';

import { Browser, parseForms, rawGet, rewriteState } from './lib/browser.mjs';

const MAX_PAGES = 6;

const OPTIONS = {
  login: { type: 'string', default: 'alice' },
  password: { type: 'string', default: 'sandbox' },
  decision: { type: 'string', default: 'approve' },
  'tamper-state': { type: 'boolean', default: false },
  'drop-state': { type: 'boolean', default: false },
};

const say = (message) => process.stderr.write(`scripted-browser: ${message}\n`);

function parseCommandLine(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: OPTIONS,
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new Error('expected exactly one authorize URL');
  if (!['approve', 'deny'].includes(values.decision)) {
    throw new Error('--decision must be approve or deny');
  }
  if (values['tamper-state'] && values['drop-state']) {
    throw new Error('--tamper-state and --drop-state exclude each other');
  }
  return { authorizeUrl: positionals[0], ...values };
}

function hiddenFields(form) {
  return form.inputs
    .filter((input) => input.type === 'hidden' && input.name)
    .map((input) => [input.name, input.value ?? '']);
}

// The next form to submit on this page, as {action, form} or undefined if there is none.
function answerPage(page, options, state) {
  const forms = parseForms(page.html);
  const login = forms.find((f) => f.inputs.some((i) => i.name === 'password'));
  if (login) {
    if (state.loginTried) throw new Error('the login was rejected');
    state.loginTried = true;
    say('login page: signing in');
    const fields = [...hiddenFields(login), ['login', options.login]];
    return { action: login.action, form: [...fields, ['password', options.password]] };
  }
  const consent = forms.find((f) => f.buttons.some((b) => b.name === 'decision'));
  if (consent) {
    const wanted = options.decision === 'approve' ? 'allow' : 'deny';
    const button = consent.buttons.find((b) => b.name === 'decision' && b.value === wanted);
    if (!button) throw new Error(`the consent page has no ${wanted} button`);
    say(`consent page: ${button.label}`);
    return { action: consent.action, form: [...hiddenFields(consent), ['decision', wanted]] };
  }
  return undefined;
}

function pageHeading(html) {
  const heading =
    /<h2[^>]*>([\s\S]*?)<\/h2>/i.exec(html) ?? /<title>([\s\S]*?)<\/title>/i.exec(html);
  return heading ? heading[1].replace(/<[^>]+>/g, '').trim().slice(0, 120) : 'no heading';
}

async function reachCallback(browser, options) {
  let outcome = await browser.navigate(options.authorizeUrl);
  const state = { loginTried: false };
  for (let pages = 0; outcome.page && pages < MAX_PAGES; pages += 1) {
    const next = answerPage(outcome.page, options, state);
    if (!next) {
      const { status, html } = outcome.page;
      throw new Error(`stuck on a page (HTTP ${status}): ${pageHeading(html)}`);
    }
    const action = new URL(next.action, outcome.page.url).href;
    outcome = await browser.navigate(action, { method: 'POST', form: next.form });
  }
  if (!outcome.callbackUrl) throw new Error('too many pages before the callback');
  return outcome.callbackUrl;
}

async function main() {
  const options = parseCommandLine(process.argv.slice(2));
  const browser = new Browser({ log: say });
  const callbackUrl = await reachCallback(browser, options);
  let mode = 'keep';
  if (options['tamper-state']) mode = 'tamper';
  if (options['drop-state']) mode = 'drop';
  say(`callback reached${mode === 'keep' ? '' : ` (state: ${mode})`}`);
  const { status } = await rawGet(rewriteState(callbackUrl, mode));
  process.stdout.write(`${JSON.stringify({ callbackStatus: status })}\n`);
}

main().catch((error) => {
  say(`failed: ${error.message}`);
  process.exitCode = 1;
});
