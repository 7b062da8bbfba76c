// The CLI's translator: its own strings, the socket client's, and every catalogue of the
// agent and core.
import { createAgentTranslator } from '../agent/messages.js';
import type { Translate } from '../core/i18n/translate.js';
import type { Catalog, Lang } from '../core/i18n/types.js';
import { consoleCliMessages } from './console-messages.js';
import { exceptionCliCatalogs } from './exception-messages.js';
import { cliMessages } from './messages.js';
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

export function cliTranslator(lang: Lang): Translate {
  return createAgentTranslator(lang, cliCatalogs);
}
