// Scripted OS commands: tests say what a program answers (real-looking output, failures,
// timeouts), and read back every call. A program nobody scripted is missing (ENOENT), as it
// would be on a machine without it.
import type { CommandOptions, CommandResult, CommandRunner } from '../../core/ports/commands.js';

export interface CommandCall {
  cmd: string;
  args: string[];
  opts: CommandOptions;
}

type Reply = Partial<CommandResult> | ((call: CommandCall) => Partial<CommandResult>);

interface Script {
  cmd: string;
  args?: readonly string[] | ((args: readonly string[]) => boolean);
  reply: Reply;
  times?: number;
}

export class FakeCommandRunner implements CommandRunner {
  readonly calls: CommandCall[] = [];
  private scripts: Script[] = [];

  /**
   * What `cmd` answers: for exactly these args, args matching a predicate, or any args
   * (undefined). The newest matching script wins; `times` limits how often it answers.
   */
  on(cmd: string, args: Script['args'], reply: Reply, o: { times?: number } = {}): this {
    this.scripts.push({ cmd, args, reply, times: o.times });
    return this;
  }

  /** The program is not installed. */
  missing(cmd: string): this {
    return this.on(cmd, undefined, { code: null, missing: true });
  }

  /** Calls of one program. */
  callsOf(cmd: string): CommandCall[] {
    return this.calls.filter((c) => c.cmd === cmd);
  }

  async run(
    cmd: string,
    args: readonly string[],
    opts: CommandOptions = {},
  ): Promise<CommandResult> {
    const call: CommandCall = { cmd, args: [...args], opts: { ...opts } };
    this.calls.push(call);
    for (let i = this.scripts.length - 1; i >= 0; i--) {
      const s = this.scripts[i]!;
      if (s.cmd !== cmd || !matches(s.args, args)) continue;
      if (s.times !== undefined) {
        if (s.times <= 0) continue;
        s.times--;
      }
      const r = typeof s.reply === 'function' ? s.reply(call) : s.reply;
      return { code: 0, stdout: '', stderr: '', ...r };
    }
    return { code: null, stdout: '', stderr: '', missing: true };
  }
}

function matches(want: Script['args'], args: readonly string[]): boolean {
  if (want === undefined) return true;
  if (typeof want === 'function') return want(args);
  return want.length === args.length && want.every((a, i) => a === args[i]);
}
