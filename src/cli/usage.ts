// Commander's own messages (unknown option, missing argument, …) are English sentences. This
// reads the one value each names out of the sentence (commander keeps them stable; see
// node_modules/commander/lib/command.js, the `this.error(...)` calls) and says it again in
// the person's language. An error this does not know keeps commander's words.
import type { CommanderError } from 'commander';
import type { Translate } from '../core/i18n/translate.js';

const SHAPES: Record<string, RegExp> = {
  'commander.unknownOption': /unknown option '([^']+)'/,
  'commander.unknownCommand': /unknown command '([^']+)'/,
  'commander.missingArgument': /missing required argument '([^']+)'/,
  'commander.optionMissingArgument': /option '([^']+)' argument missing/,
  'commander.missingMandatoryOptionValue': /required option '([^']+)' not specified/,
  'commander.excessArguments': /Expected (\d+) arguments? but got (\d+)/,
  'commander.conflictingOption': /^error: (.+) cannot be used with (.+?)$/m,
};

/** The detail of a usage error, translated; "did you mean" kept as a suggestion. */
export function usageDetail(t: Translate, e: CommanderError): string {
  const shape = SHAPES[e.code];
  const m = shape?.exec(e.message);
  const suggestion = /\(Did you mean (?:one of )?(.+)\?\)/.exec(e.message)?.[1];
  if (!m) return e.message.replace(/^error:\s*/, '').replace(/\s*\n\s*/g, ' ');
  const key = `cli.usage.${e.code.slice('commander.'.length)}`;
  const detail =
    e.code === 'commander.excessArguments'
      ? t(key, { expected: m[1], received: m[2] })
      : t(key, { name: m[1], other: m[2] ?? '' });
  return suggestion ? t('cli.usage.didYouMean', { detail, suggestion }) : detail;
}
