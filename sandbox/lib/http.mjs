// Small helpers for the handlers the sandbox serves itself (interaction pages, control API).

const MAX_BODY_BYTES = 64 * 1024;

export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function readForm(req) {
  return new URLSearchParams(await readBody(req));
}

export async function readJson(req) {
  const text = await readBody(req);
  if (text.trim() === '') return {};
  try {
    const value = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new HttpError(400, 'expected a JSON object');
    }
    return value;
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, 'malformed JSON body');
  }
}

function send(res, status, contentType, text) {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

export function sendJson(res, status, value) {
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(value)}\n`);
}

export function sendHtml(res, status, html) {
  send(res, status, 'text/html; charset=utf-8', html);
}

// Loopback peers only: the control API can revoke grants and script consent, which nothing
// outside this machine may do even if someone binds the server elsewhere by mistake.
export function isLoopbackPeer(req) {
  const address = req.socket.remoteAddress ?? '';
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}
