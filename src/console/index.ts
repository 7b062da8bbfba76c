// The central console (issue 11): the server (server/app.ts), staff and agent authentication
// (auth/), its exception key (keys.ts) and its datastore (store/, opened by open-store.ts).

export { hashPassword, MIN_PASSWORD_CHARS, passwordProblem } from './auth/password.js';
export { type ExceptionKey, loadExceptionKey } from './keys.js';
export { openStore } from './open-store.js';
export { buildConsole, type ConsoleOptions, DEFAULT_LIMITS } from './server/app.js';
export type { RateLimits } from './server/deps.js';
