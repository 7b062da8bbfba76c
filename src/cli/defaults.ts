// Default paths for the person running the command (root: system paths; others: XDG).
import { homedir } from 'node:os';
import {
  consoleDataDir,
  type DefaultPaths,
  defaultPaths,
  osName,
  SYSTEM_SOCKET_DIR_ENV,
} from '../platform/paths.js';

export function cliDefaults(): DefaultPaths {
  return defaultPaths(osName(process.platform), process.getuid?.() ?? -1, process.env, homedir());
}

/** Where the system agent (root / SYSTEM) listens; a test may move it (SYSTEM_SOCKET_DIR_ENV). */
export function systemSocketDir(): string {
  return (
    process.env[SYSTEM_SOCKET_DIR_ENV] ||
    defaultPaths(osName(process.platform), 0, process.env, homedir()).socketDir
  );
}

/** The data dir of `baomi console` for the person running it (root: /var/lib/baomi-console). */
export function consoleDefaultDataDir(): string {
  return consoleDataDir(osName(process.platform), process.getuid?.() ?? -1, process.env, homedir());
}
