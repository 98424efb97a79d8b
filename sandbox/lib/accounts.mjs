// The sandbox's two people. Their password is deliberately public: this server exists for
// tests and demos on one machine and holds nothing worth protecting.
import { timingSafeEqual } from 'node:crypto';

export const SANDBOX_PASSWORD = 'sandbox';

const ACCOUNTS = [
  { login: 'alice', sub: 'alice-0001', name: 'Alice Example' },
  { login: 'bob', sub: 'bob-0002', name: 'Bob Example' },
];

export function accountByLogin(login) {
  return ACCOUNTS.find((account) => account.login === login);
}

export function accountBySub(sub) {
  return ACCOUNTS.find((account) => account.sub === sub);
}

function sameText(a, b) {
  const left = Buffer.from(String(a));
  const right = Buffer.from(String(b));
  return left.length === right.length && timingSafeEqual(left, right);
}

// Returns the account when login and password match, undefined otherwise.
export function authenticate(login, password) {
  const account = accountByLogin(login);
  if (!account || !sameText(password ?? '', SANDBOX_PASSWORD)) return undefined;
  return account;
}

// oidc-provider's findAccount hook. Userinfo and ID token claims come from here; the scope
// filter (profile -> preferred_username, name) is applied by oidc-provider from `claims`.
export async function findAccount(_ctx, sub) {
  const account = accountBySub(sub);
  if (!account) return undefined;
  return {
    accountId: account.sub,
    async claims() {
      return { sub: account.sub, preferred_username: account.login, name: account.name };
    },
  };
}
