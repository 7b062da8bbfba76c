// Scripted OS commands: tests say what a program answers (real-looking output, failures,
// timeouts), and read back every call. A program nobody scripted is missing (ENOENT), as it
// would be on a machine without it. Long-running programs (spawnLines) are scripted with
// stream(): the test then prints their lines and ends them through `streams`.
import type {
  CommandOptions,
  CommandResult,
  CommandRunner,
  LineProcess,
} from '../../core/ports/commands.js';

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
  /** For spawnLines: what the program prints at start, and whether it then ends by itself. */
  stream?: { lines: string[]; exit?: Partial<CommandResult> };
}

/** A long-running program started through spawnLines, driven by the test. */
export interface FakeStream {
  readonly call: CommandCall;
  /** The program prints these lines (ignored once it has ended). */
  emit(...lines: string[]): void;
  /** The program ends by itself with this result (code 0 unless given). */
  exit(r?: Partial<CommandResult>): void;
  /** It has ended, by itself or by close(). */
  readonly ended: boolean;
  /** The caller closed it. */
  readonly closed: boolean;
}

export class FakeCommandRunner implements CommandRunner {
  readonly calls: CommandCall[] = [];
  /** Every program started through spawnLines (missing ones included, already ended). */
  readonly streams: FakeStream[] = [];
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

  /**
   * `cmd` exists as a long-running program for spawnLines: it prints `lines` once started
   * and keeps running until closed or until the test ends it, or ends at once with `exit`.
   */
  stream(
    cmd: string,
    args: Script['args'],
    s: { lines?: string[]; exit?: Partial<CommandResult> } = {},
    o: { times?: number } = {},
  ): this {
    this.scripts.push({
      cmd,
      args,
      reply: {},
      times: o.times,
      stream: { lines: s.lines ?? [], exit: s.exit },
    });
    return this;
  }

  /** Streams of one program. */
  streamsOf(cmd: string): FakeStream[] {
    return this.streams.filter((s) => s.call.cmd === cmd);
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
    const s = this.take(cmd, args, false);
    if (!s) return { code: null, stdout: '', stderr: '', missing: true };
    const r = typeof s.reply === 'function' ? s.reply(call) : s.reply;
    return { code: 0, stdout: '', stderr: '', ...r };
  }

  spawnLines(
    cmd: string,
    args: readonly string[],
    opts: CommandOptions,
    onLine: (line: string) => void,
  ): LineProcess {
    const call: CommandCall = { cmd, args: [...args], opts: { ...opts } };
    this.calls.push(call);
    const script = this.take(cmd, args, true)?.stream;
    let resolveExit!: (r: CommandResult) => void;
    const exited = new Promise<CommandResult>((r) => {
      resolveExit = r;
    });
    let ended = false;
    let closed = false;
    const end = (r: Partial<CommandResult>) => {
      if (ended) return;
      ended = true;
      resolveExit({ code: 0, stdout: '', stderr: '', ...r });
    };
    const stream: FakeStream = {
      call,
      emit: (...lines) => {
        for (const l of lines) if (!ended) onLine(l);
      },
      exit: (r = {}) => end(r),
      get ended() {
        return ended;
      },
      get closed() {
        return closed;
      },
    };
    this.streams.push(stream);
    if (!script) end({ code: null, missing: true });
    else {
      // Output arrives after spawnLines has returned, as from a real process.
      queueMicrotask(() => {
        stream.emit(...script.lines);
        if (script.exit) end(script.exit);
      });
    }
    return {
      close: () => {
        if (ended) return;
        closed = true;
        end({ code: null });
      },
      exited,
    };
  }

  /** The newest matching script of that kind, counting one use. */
  private take(cmd: string, args: readonly string[], stream: boolean): Script | undefined {
    for (let i = this.scripts.length - 1; i >= 0; i--) {
      const s = this.scripts[i]!;
      if (s.cmd !== cmd || !matches(s.args, args) || (s.stream !== undefined) !== stream) continue;
      if (s.times !== undefined) {
        if (s.times <= 0) continue;
        s.times--;
      }
      return s;
    }
    return undefined;
  }
}

function matches(want: Script['args'], args: readonly string[]): boolean {
  if (want === undefined) return true;
  if (typeof want === 'function') return want(args);
  return want.length === args.length && want.every((a, i) => a === args[i]);
}
