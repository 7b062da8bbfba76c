// The CLI's translator: its own strings, the socket client's, and every catalogue of the
// agent and core.
import { createAgentTranslator } from '../agent/messages.js';
import type { Translate } from '../core/i18n/translate.js';
import type { Lang } from '../core/i18n/types.js';
import { cliMessages } from './messages.js';

export function cliTranslator(lang: Lang): Translate {
  return createAgentTranslator(lang, [cliMessages]);
}
