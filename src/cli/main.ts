// The `baomi` command: a table of contents. Each command lives in commands/<name>.ts and is
// loaded only when called, so `baomi agent` keeps what idleness does not need out of memory.
import { Command, CommanderError } from 'commander';
import { VERSION } from '../agent/version.js';
import { isBaomiError } from '../core/errors.js';
import { isKnownLang, LANGS, pickLang } from '../core/i18n/types.js';
import { registerCommands } from './commands/register.js';
import type { CommandContext, CommandModule } from './context.js';
import { cliTranslator } from './i18n.js';
import { jsonLine } from './printable.js';
import { withReason } from './reason-words.js';
import { usageDetail } from './usage.js';
import { displayWidth } from './width.js';

const lang = pickLang(langFlag(process.argv), process.env);
const t = cliTranslator(lang);
const asked = langFlag(process.argv);
// A language asked for by name that we do not have: say so once, then carry on in English.
if (asked !== undefined && !isKnownLang(asked)) {
  process.stderr.write(
    `baomi: ${t('cli.langFallback', { lang: asked, langs: LANGS.join(', ') })}\n`,
  );
}

function langFlag(argv: string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  if (i < 0) return undefined;
  const a = argv[i]!;
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1];
}

function configure(cmd: Command): Command {
  return (
    cmd
      .helpOption('-h, --help', t('cli.opt.help'))
      .configureHelp({
        styleTitle: (s) => t(`cli.title.${s}`),
        // The usage line's placeholders, in the person's language; CJK takes two columns.
        styleOptionText: (s) => (s === '[options]' ? t('cli.term.options') : s),
        styleSubcommandText: (s) => (s === '[command]' ? t('cli.term.command') : s),
        displayWidth: displayWidth,
      })
      .exitOverride()
      // Errors are printed once, translated, below; help asked for by a missing command still
      // goes to stderr (commander writes it there).
      .configureOutput({ outputError: () => {} })
      .showHelpAfterError(false)
  );
}

const program = configure(new Command('baomi'))
  .description(t('cli.description'))
  .version(VERSION, '-V, --version', t('cli.opt.version'))
  .option('--lang <lang>', t('cli.opt.lang'))
  .helpCommand('help [command]', t('cli.cmd.help'));

const run =
  (load: () => Promise<CommandModule>) =>
  async (...args: unknown[]) => {
    const command = (await load()).default as (...a: unknown[]) => Promise<number>;
    const ctx: CommandContext = { t, lang };
    process.exitCode = await command(ctx, ...args);
  };

registerCommands(program, { t, configure, run });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.exitCode = fail(e);
}

/** The words of the command line (not flags, not the value of --lang). */
function commandWords(argv: string[]): string[] {
  const words: string[] = [];
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--lang') i++;
    else if (!a.startsWith('-')) words.push(a);
  }
  return words;
}

/** `words` as far as they name commands: `events /x` is `events` (/x was an option's value). */
function commandPath(words: string[]): string[] {
  const path: string[] = [];
  let at = program;
  for (const w of words) {
    const sub = at.commands.find((c) => c.name() === w || c.aliases().includes(w));
    if (!sub) break;
    path.push(sub.name());
    at = sub;
  }
  return path;
}

function fail(e: unknown): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0)
      return 0;
    // `baomi` or `baomi policy` alone: commander printed the help (on stderr); it is bad usage.
    if (e.code === 'commander.help') return 2;
    const words = commandWords(process.argv);
    if (e.code === 'commander.unknownCommand') {
      const name = /unknown command '([^']*)'/.exec(e.message)?.[1] ?? '';
      const parent = words.slice(0, Math.max(0, words.indexOf(name)));
      const near = /Did you mean (\S+?)\?/.exec(e.message)?.[1];
      const command = ['baomi', ...parent].join(' ');
      const hint = near ? t('cli.didYouMean', { command: `${command} ${near}` }) : '';
      const message = t('cli.unknownCommand', { name, command, hint });
      process.stderr.write(`baomi: ${message}\n`);
      jsonFailure('CLI_UNKNOWN_COMMAND', message, { name });
      return 2;
    }
    const command = commandPath(words).join(' ');
    const detail = usageDetail(t, e);
    const message = t('cli.badUsage', { detail, command });
    process.stderr.write(`baomi: ${message}\n`);
    jsonFailure('CLI_BAD_USAGE', message, { detail });
    return 2;
  }
  if (isBaomiError(e)) {
    const message = t(e.code, withReason(t, e.params));
    process.stderr.write(`baomi: ${message}\n`);
    jsonFailure(e.code, message, e.params);
    return e.exit;
  }
  const detail = e instanceof Error ? e.message : String(e);
  const message = t('cli.internal', { detail });
  process.stderr.write(`baomi: ${message}\n`);
  jsonFailure('INTERNAL', message, { detail });
  return 1;
}

/**
 * Asked for `--json`, a script reads stdout: a refusal or failure is also one object there
 * (`{ok: false, error: {code, message, params}}`), never an empty answer beside an exit code.
 */
function jsonFailure(code: string, message: string, params: unknown): void {
  const end = process.argv.indexOf('--');
  const args = end < 0 ? process.argv : process.argv.slice(0, end);
  if (!args.includes('--json')) return;
  process.stdout.write(`${jsonLine({ ok: false, error: { code, message, params } })}\n`);
}
