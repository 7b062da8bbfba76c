// Writes glibc x86_64 `struct utmp` records (384 bytes each) the way login(1), a display
// manager or agetty would, for tests of the utmp reader.
export interface RecordSpec {
  type: number; // 1 RUN_LVL, 2 BOOT_TIME, 6 LOGIN_PROCESS, 7 USER_PROCESS, 8 DEAD_PROCESS
  pid?: number;
  line?: string;
  id?: string;
  user?: string;
  host?: string;
  session?: number;
  tvSec?: number;
}

export function utmpRecord(r: RecordSpec): Buffer {
  const b = Buffer.alloc(384);
  b.writeInt16LE(r.type, 0);
  b.writeInt32LE(r.pid ?? 0, 4);
  b.write(r.line ?? '', 8, 32, 'utf8');
  b.write(r.id ?? '', 40, 4, 'utf8');
  b.write(r.user ?? '', 44, 32, 'utf8');
  b.write(r.host ?? '', 76, 256, 'utf8');
  b.writeInt32LE(r.session ?? 0, 336);
  b.writeInt32LE(r.tvSec ?? 1_796_000_000, 340);
  return b;
}

export const utmpFile = (records: RecordSpec[]): Buffer => Buffer.concat(records.map(utmpRecord));
