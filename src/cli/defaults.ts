// Default paths for the person running the command (root: system paths; others: XDG).
import { homedir } from 'node:os';
import { type DefaultPaths, defaultPaths, osName } from '../platform/paths.js';

export function cliDefaults(): DefaultPaths {
  return defaultPaths(osName(process.platform), process.getuid?.() ?? -1, process.env, homedir());
}
