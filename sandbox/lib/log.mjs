// Diagnostics go to stderr only: stdout carries the single machine-readable ready line.
// Callers pass stage names and outcomes, never a token, code, verifier, state or secret.

let verbose = false;

export function setVerbose(enabled) {
  verbose = enabled;
}

function write(level, message) {
  process.stderr.write(`${new Date().toISOString()} sandbox ${level}: ${message}\n`);
}

export const log = {
  info: (message) => write('info', message),
  warn: (message) => write('warn', message),
  error: (message) => write('error', message),
  debug: (message) => {
    if (verbose) write('debug', message);
  },
};
