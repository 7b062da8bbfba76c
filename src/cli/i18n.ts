// The CLI's translator: its own strings, the socket client's, and every catalogue of the
// agent and core.
import { createAgentTranslator } from '../agent/messages.js';
import type { Translate } from '../core/i18n/translate.js';
import type { Catalog, Lang } from '../core/i18n/types.js';
import { consoleCliMessages } from './console-messages.js';
import { exceptionCliCatalogs } from './exception-messages.js';
import { cliMessages } from './messages.js';
import { printableParams } from './printable.js';
import { staffCliMessages } from './staff/messages.js';
import { syncCliMessages } from './sync-messages.js';

/** Every catalogue of the CLI's own (beside the agent's and core's). */
export const cliCatalogs: readonly Catalog[] = [
  cliMessages,
  ...exceptionCliCatalogs,
  consoleCliMessages,
  syncCliMessages,
  staffCliMessages,
];

/**
 * Every CLI sentence's parameters are escaped for the terminal here, once (printable.ts): a
 * command never prints a workstation's or a person's string raw inside a sentence, whether or
 * not it thought to escape it. Tables and JSON escape their own cells (format.ts, jsonLine).
 */
export function cliTranslator(lang: Lang): Translate {
  const t = createAgentTranslator(lang, cliCatalogs);
  return (key, params) => t(key, params && printableParams(params));
}
