import type { Translate } from '../core/i18n/translate.js';
import type { Lang } from '../core/i18n/types.js';

/** What every command receives first: the translator and language picked from --lang/LANG. */
export interface CommandContext {
  t: Translate;
  lang: Lang;
}

/** A command module: its default export runs the command and returns the exit code. */
export type CommandModule = { default: (...a: never[]) => Promise<number> };
