// The login and consent pages oidc-provider redirects to (interactions.url), plus the
// scripted path that completes both without a page when a test queued a decision.
//
//   GET  /interaction/<uid>          login page, consent page, or the scripted decision
//   POST /interaction/<uid>/login    login, password -> back to /auth/<uid>
//   POST /interaction/<uid>/confirm  decision=allow|deny -> back to /auth/<uid>
import { accountByLogin, accountBySub, authenticate } from './accounts.mjs';
import { HttpError, readForm, sendHtml } from './http.mjs';
import { log } from './log.mjs';
import { consentPage, loginPage } from './pages.mjs';
import { SCOPES } from './provider.mjs';

const PATH = /^\/interaction\/([A-Za-z0-9_-]{1,64})(?:\/(login|confirm))?$/;

export const DENIED = {
  error: 'access_denied',
  error_description: 'The user did not authorize the requested scopes.',
};

function requestedScopes(params) {
  const requested = new Set(String(params.scope ?? '').split(' '));
  return SCOPES.filter((scope) => requested.has(scope));
}

// Grants exactly the requested scopes; oidc-provider then issues tokens for those only.
async function saveGrant(provider, details, accountId) {
  const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  const grant =
    existing?.accountId === accountId
      ? existing
      : new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(requestedScopes(details.params).join(' '));
  const claims = details.prompt.details?.missingOIDCClaims;
  if (claims?.length) grant.addOIDCClaims(claims);
  return grant.save();
}

async function clientName(provider, details) {
  const client = await provider.Client.find(details.params.client_id);
  return client?.clientName ?? details.params.client_id;
}

async function finishScripted(provider, req, res, details, scripted) {
  log.debug(`interaction completed by script: ${scripted.decision}`);
  if (scripted.decision === 'deny') {
    return provider.interactionFinished(req, res, DENIED, { mergeWithLastSubmission: false });
  }
  const accountId = accountByLogin(scripted.login).sub;
  const grantId = await saveGrant(provider, details, accountId);
  const result = { login: { accountId }, consent: { grantId } };
  return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

async function showPage(provider, res, details) {
  const name = await clientName(provider, details);
  if (details.prompt.name === 'login') {
    return sendHtml(res, 200, loginPage({ uid: details.uid, clientName: name }));
  }
  const account = accountBySub(details.session?.accountId);
  const page = consentPage({
    uid: details.uid,
    clientName: name,
    login: account?.login ?? details.session?.accountId,
    scopes: requestedScopes(details.params),
  });
  return sendHtml(res, 200, page);
}

async function submitLogin(provider, req, res, details) {
  const form = await readForm(req);
  const account = authenticate(form.get('login'), form.get('password'));
  if (!account) {
    log.info('login rejected');
    const name = await clientName(provider, details);
    const login = form.get('login') ?? '';
    const page = loginPage({ uid: details.uid, clientName: name, login, failed: true });
    return sendHtml(res, 401, page);
  }
  const result = { login: { accountId: account.sub } };
  return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

async function submitConsent(provider, req, res, details) {
  const form = await readForm(req);
  const decision = form.get('decision');
  if (decision === 'deny') {
    return provider.interactionFinished(req, res, DENIED, { mergeWithLastSubmission: false });
  }
  if (decision !== 'allow') throw new HttpError(400, 'Choose Allow or Deny.');
  if (details.prompt.name !== 'consent') throw new HttpError(400, 'Sign in first.');
  const grantId = await saveGrant(provider, details, details.session.accountId);
  return provider.interactionFinished(req, res, { consent: { grantId } });
}

export function createInteractionHandler({ provider, script }) {
  return async function handleInteraction(req, res, pathname) {
    const match = PATH.exec(pathname);
    if (!match) throw new HttpError(404, 'There is no such page.');
    const [, uid, action] = match;
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) {
      throw new HttpError(400, 'This sign-in page belongs to another request.');
    }

    if (action === undefined && req.method === 'GET') {
      const scripted = script.take();
      if (scripted) return finishScripted(provider, req, res, details, scripted);
      return showPage(provider, res, details);
    }
    if (action === 'login' && req.method === 'POST') {
      return submitLogin(provider, req, res, details);
    }
    if (action === 'confirm' && req.method === 'POST') {
      return submitConsent(provider, req, res, details);
    }
    throw new HttpError(405, 'This page does not accept that request.');
  };
}
