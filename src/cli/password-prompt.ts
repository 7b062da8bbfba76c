// Reads a password for `baomi console user add` and `baomi console login`: at a terminal,
// asked without echo (raw mode, so nothing typed appears or stays in the scrollback), twice
// when a new password is set; when standard input is piped, its first line (a script, or
// `printf '%s\n' "$PW" | baomi console user add …`).
// The password is never an argument: arguments are visible to every user in `ps`.
import { BaomiError } from '../core/errors.js';

/** Bytes read from a pipe at most (a password is a line; this bounds a mistaken file). */
const MAX_PIPED = 64 * 1024;

export interface PromptText {
  first: string;
  /** Asked again and compared (a new password); absent: asked once (a login). */
  again?: string;
}

export async function readPassword(text: PromptText): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return firstLine(await readPiped());
  const first = await askHidden(text.first);
  if (text.again === undefined) return first;
  const again = await askHidden(text.again);
  if (first !== again) throw new BaomiError('CONSOLE_PASSWORD_MISMATCH', {}, 2);
  return first;
}

function firstLine(all: string): string {
  const line = all.split(/\r?\n/)[0] ?? '';
  if (line === '') throw new BaomiError('CONSOLE_PASSWORD_NONE', {}, 2);
  return line;
}

async function readPiped(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const b = chunk as Buffer;
    chunks.push(b);
    size += b.length;
    // The first line is all that is needed; stop reading a large input early.
    if (size > MAX_PIPED || b.includes(0x0a)) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** One line from the terminal in raw mode: no echo; backspace edits; Ctrl-C aborts (exit 130). */
function askHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve) => {
    let typed = '';
    const done = () => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
    };
    const onData = (s: string) => {
      for (const ch of s) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          done();
          resolve(typed);
          return;
        }
        if (ch === '\u0003') {
          done();
          process.exit(130);
        }
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else if (ch >= ' ') typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}
