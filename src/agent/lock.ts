// One agent per data directory. Two writers would each extend the hash chain from their own
// idea of its head and break it, so a second agent refuses to start. The lock is a pid file
// created with O_EXCL; a lock left by a dead (or unrelated, recycled) pid is taken over.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BaomiError } from '../core/errors.js';

function isLiveAgent(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // Linux: a recycled pid that is not a node process running baomi does not hold the lock.
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmd.includes('baomi');
  } catch {
    return true; // no /proc: assume the holder is alive (fail closed)
  }
}

export function acquireLock(dataDir: string): { release(): void } {
  const file = join(dataDir, 'agent.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return {
        release: () => {
          try {
            if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file);
          } catch {
            // already gone
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (isLiveAgent(pid)) throw new BaomiError('AGENT_ALREADY_RUNNING', { dataDir, pid }, 1);
      rmSync(file, { force: true }); // stale: its agent died without cleaning up
    }
  }
  throw new BaomiError('AGENT_ALREADY_RUNNING', { dataDir, pid: 0 }, 1);
}
