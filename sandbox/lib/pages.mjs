// Plain HTML for the login, consent and error pages. Every interpolated value is escaped: the
// client name and scopes come from the request, which an attacker may shape.

const SCOPE_TEXT = {
  openid: 'Sign you in with your sandbox identity',
  profile: 'See your user name and display name',
  offline_access: 'Stay connected while you are away (refresh tokens)',
  'mentions.read': 'Read mentions of you',
  'messages.write': 'Send messages on your behalf',
  'posts.write': 'Publish posts on your behalf',
};

export function escapeHtml(value) {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function layout(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} - EasyCRM Sandbox</title>
<style>
body { font-family: sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; }
h1 { font-size: 1rem; color: #555; font-weight: normal; }
label { display: block; margin-top: 0.75rem; }
input { display: block; width: 100%; padding: 0.3rem; box-sizing: border-box; }
button { margin: 1rem 0.5rem 0 0; padding: 0.4rem 1.2rem; }
.error { color: #a00; }
</style>
</head>
<body>
<h1>EasyCRM Sandbox</h1>
${body}
</body>
</html>
`;
}

export function loginPage({ uid, clientName, login = '', failed = false }) {
  const message = failed ? '<p class="error">Wrong login or password.</p>\n' : '';
  return layout('Sign in', `<h2>Sign in</h2>
<p>${escapeHtml(clientName)} wants to connect to your sandbox account.</p>
${message}<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>Login
<input name="login" value="${escapeHtml(login)}" autocomplete="username" autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button>
</form>
<p>Accounts: alice or bob, password: sandbox.</p>`);
}

export function consentPage({ uid, clientName, login, scopes }) {
  const items = scopes
    .map((scope) => {
      const text = SCOPE_TEXT[scope] ?? 'Unknown permission';
      return `<li><code>${escapeHtml(scope)}</code> - ${escapeHtml(text)}</li>`;
    })
    .join('\n');
  return layout('Allow access', `<h2>Allow access</h2>
<p>Signed in as <strong>${escapeHtml(login)}</strong>.
${escapeHtml(clientName)} asks for these permissions:</p>
<ul>
${items}
</ul>
<form method="post" action="/interaction/${escapeHtml(uid)}/confirm">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`);
}

export function errorPage({ title, description }) {
  return layout(title, `<h2>${escapeHtml(title)}</h2>
<p>${escapeHtml(description)}</p>`);
}
