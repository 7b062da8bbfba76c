// The command server inside the USB test VM. init.sh starts it with the host's own node, chrooted
// into the overlay over the host's /, on the virtio-serial port named baomi.ctl (argv[2]). Plain
// JavaScript because it runs before anything is compiled for the guest and needs only node.
//
// Protocol: one JSON object per line each way. The host sends {id, op, ...}; the guest answers
// {id, ok: true, ...} or {id, ok: false, error}, in any order (requests run concurrently).
// Unsolicited lines: {event: 'ready', node, kernel, uptime} once, and {event: 'exit', pid, code,
// signal} when a process started with `spawn` ends.
//   sh     {cmd, cwd?, env?, timeoutMs?}  -> {code, signal, timedOut, stdout, stderr, ms}  (/bin/sh -c cmd)
//   spawn  {argv, cwd?, env?, log}        -> {pid}   stdout and stderr appended to the file `log`
//   kill   {pid, signal}                  -> {}
//   read   {path}                         -> {data}  base64 of the file's bytes
//   write  {path, data, mode?}            -> {}      data is base64
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';

const portPath = process.argv[2];
if (!portPath) {
  console.error('guest-agent: usage: guest-agent.mjs PORT');
  process.exit(2);
}
const fd = fs.openSync(portPath, 'r+');
const MAX_OUTPUT = 64 * 1024 * 1024;

/** Writes one line to the host; a virtio port may take less than asked, so loop. */
function send(obj) {
  const buf = Buffer.from(`${JSON.stringify(obj)}\n`);
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
}

/**
 * A process and its descendants as the kernel sees them: state, wait channel, syscall, kernel
 * stack. Only files the kernel answers without the process's memory lock (comm and stat, not
 * cmdline or status): a process stuck on a page fault over 9p must not stop this one too.
 */
function whereStuck(root) {
  const read = (f) => {
    try {
      return fs.readFileSync(f, 'utf8').trim();
    } catch (e) {
      return `(${e.code ?? e.message})`;
    }
  };
  const stat = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    // The fields after the command's closing parenthesis: state, ppid, ...
    const line = read(`/proc/${name}/stat`);
    const f = line.slice(line.lastIndexOf(')') + 2).split(' ');
    stat.set(Number(name), { state: f[0], ppid: Number(f[1]) });
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++)
    for (const [pid, s] of stat) if (s.ppid === tree[i]) tree.push(pid);
  return tree
    .map((pid) => {
      const d = `/proc/${pid}`;
      return `${pid} ${read(`${d}/comm`)} [${stat.get(pid)?.state ?? 'gone'}] wchan=${read(`${d}/wchan`)} syscall=${read(`${d}/syscall`)}\n${read(`${d}/stack`)}`;
    })
    .join('\n');
}

function handle(req) {
  const env = { ...process.env, ...(req.env ?? {}) };
  const cwd = req.cwd ?? '/';
  switch (req.op) {
    case 'sh': {
      const started = Date.now();
      const child = spawn('/bin/sh', ['-c', req.cmd], {
        cwd,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const out = [];
      const err = [];
      let size = 0;
      const collect = (into) => (chunk) => {
        size += chunk.length;
        if (size <= MAX_OUTPUT) into.push(chunk);
      };
      child.stdout.on('data', collect(out));
      child.stderr.on('data', collect(err));
      let timer;
      let timedOut = false;
      let stuck = '';
      if (req.timeoutMs)
        timer = setTimeout(() => {
          // Exited already, its output still open in a child of its own: not a timeout of it.
          if (child.exitCode !== null || child.signalCode !== null) return;
          timedOut = true;
          try {
            stuck = whereStuck(child.pid);
            // On the serial console too: a process in uninterruptible sleep outlives SIGKILL,
            // and the host may stop waiting for this answer before it comes.
            process.stderr.write(`[guest-agent] timed out: ${req.cmd}\n${stuck}\n`);
          } catch (e) {
            stuck = `(could not look: ${e})`;
          } finally {
            child.kill('SIGKILL');
          }
        }, req.timeoutMs);
      let answered = false;
      const answer = (code, signal) => {
        if (answered) return;
        answered = true;
        clearTimeout(timer);
        send({
          id: req.id,
          ok: true,
          code,
          signal,
          timedOut,
          stuck,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          truncated: size > MAX_OUTPUT,
          ms: Date.now() - started,
        });
      };
      child.on('error', (e) => {
        answered = true;
        clearTimeout(timer);
        send({ id: req.id, ok: false, error: String(e) });
      });
      child.on('close', answer);
      // A child of its own holding the output open would delay 'close' without end: answer
      // 5 s after the command itself ended, with what it wrote by then.
      child.on('exit', (code, signal) => setTimeout(() => answer(code, signal), 5_000).unref());
      return;
    }
    case 'spawn': {
      fs.mkdirSync(path.dirname(req.log), { recursive: true });
      const logFd = fs.openSync(req.log, 'a');
      const child = spawn(req.argv[0], req.argv.slice(1), {
        cwd,
        env,
        stdio: ['ignore', logFd, logFd],
      });
      fs.closeSync(logFd);
      child.on('error', (e) => send({ id: req.id, ok: false, error: String(e) }));
      child.on('spawn', () => send({ id: req.id, ok: true, pid: child.pid }));
      child.on('exit', (code, signal) => send({ event: 'exit', pid: child.pid, code, signal }));
      return;
    }
    case 'kill':
      process.kill(req.pid, req.signal);
      send({ id: req.id, ok: true });
      return;
    case 'read':
      send({ id: req.id, ok: true, data: fs.readFileSync(req.path).toString('base64') });
      return;
    case 'write':
      fs.mkdirSync(path.dirname(req.path), { recursive: true });
      fs.writeFileSync(req.path, Buffer.from(req.data, 'base64'), { mode: req.mode ?? 0o644 });
      send({ id: req.id, ok: true });
      return;
    default:
      send({ id: req.id, ok: false, error: `unknown op ${req.op}` });
  }
}

function onLine(line) {
  if (!line.trim()) return;
  let req;
  try {
    req = JSON.parse(line);
  } catch {
    send({ event: 'garbled', line: line.slice(0, 200) });
    return;
  }
  try {
    handle(req);
  } catch (e) {
    send({ id: req.id, ok: false, error: String(e?.message ?? e), code: e?.code });
  }
}

// Reads on a virtio port return 0 while the host end is not connected (drivers/char/
// virtio_console.c, port_fops_read): that is not the end, so wait and read again.
let pending = '';
let hostGoneSince = null;
const HOST_GONE_MS = 5_000;
const decoder = new StringDecoder('utf8');
const buf = Buffer.alloc(1 << 16);
function readLoop() {
  fs.read(fd, buf, 0, buf.length, null, (err, n) => {
    if (err) {
      console.error(`guest-agent: read ${portPath}: ${err.message}`);
      setTimeout(readLoop, 100);
      return;
    }
    if (n === 0) {
      // The host end went away (the test process died without shutting the VM down): power
      // off rather than leave an orphaned QEMU spinning; -no-reboot makes QEMU exit.
      hostGoneSince ??= Date.now();
      if (Date.now() - hostGoneSince > HOST_GONE_MS) {
        console.log('guest-agent: the host closed the command channel; powering off');
        fs.writeFileSync('/proc/sysrq-trigger', 'o');
      }
      setTimeout(readLoop, 50);
      return;
    }
    hostGoneSince = null;
    pending += decoder.write(buf.subarray(0, n));
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      onLine(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
      nl = pending.indexOf('\n');
    }
    readLoop();
  });
}

readLoop();
send({ event: 'ready', node: process.version, kernel: os.release(), uptime: os.uptime() });
console.log('BAOMI-VM-READY');
