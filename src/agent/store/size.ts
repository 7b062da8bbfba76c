// Sizes in the policy ("2GB", "500MB"). Binary multiples (1 KB = 1024 B), as disk-usage tools
// and SQLite's page arithmetic count; the policy helper validates the shape, this converts it.
import { BaomiError } from '../../core/errors.js';

const UNITS: Record<string, number> = {
  B: 1,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
};

/** "2GB" → 2147483648. Throws BaomiError STORE_BAD_SIZE (exit 2) for anything else. */
export function parseSize(value: string): number {
  const m = /^\s*(\d+)\s*(B|KB|MB|GB|TB)\s*$/i.exec(value);
  const unit = m ? UNITS[m[2]!.toUpperCase()] : undefined;
  const bytes = m && unit ? Number(m[1]) * unit : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0)
    throw new BaomiError('STORE_BAD_SIZE', { value }, 2);
  return bytes;
}
