// The `baomi` command: a table of contents. Each command lives in commands/<name>.ts and is
// loaded only when called, so `baomi agent` keeps what idleness does not need out of memory.
import { Command, CommanderError } from 'commander';
import { VERSION } from '../agent/version.js';
import { isBaomiError } from '../core/errors.js';
import { pickLang } from '../core/i18n/types.js';
import { registerCommands } from './commands/register.js';
import type { CommandContext, CommandModule } from './context.js';
import { cliTranslator } from './i18n.js';
import { usageDetail } from './usage.js';
import { displayWidth } from './width.js';

const lang = pickLang(langFlag(process.argv), process.env);
const t = cliTranslator(lang);

function langFlag(argv: string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  if (i < 0) return undefined;
  const a = argv[i]!;
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1];
}

function configure(cmd: Command): Command {
  return cmd
    .helpOption('-h, --help', t('cli.opt.help'))
    .configureHelp({
      styleTitle: (s) => t(`cli.title.${s}`),
      // The usage line's placeholders, in the person's language; CJK takes two columns.
      styleOptionText: (s) => (s === '[options]' ? t('cli.term.options') : s),
      styleSubcommandText: (s) => (s === '[command]' ? t('cli.term.command') : s),
      displayWidth: displayWidth,
    })
    .exitOverride()
    .configureOutput({ writeErr: () => {} }) // errors are printed once, translated, below
    .showHelpAfterError(false);
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

function fail(e: unknown): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0)
      return 0;
    if (e.code === 'commander.help') return 0;
    const command = process.argv
      .slice(2)
      .filter((a) => !a.startsWith('-'))
      .slice(0, 2)
      .join(' ');
    const detail = usageDetail(t, e);
    process.stderr.write(`baomi: ${t('cli.badUsage', { detail, command: command || '' })}\n`);
    return 2;
  }
  if (isBaomiError(e)) {
    process.stderr.write(`baomi: ${t(e.code, e.params)}\n`);
    return e.exit;
  }
  const detail = e instanceof Error ? e.message : String(e);
  process.stderr.write(`baomi: ${t('cli.internal', { detail })}\n`);
  return 1;
}
