// The flags of the packing scripts: node:util's parseArgs, strict. An unknown flag or a stray
// word is refused with the usage (exit 2): a typo must never run with the defaults. --help
// prints the usage (exit 0). A folder flag given an empty value or another flag is refused.
import { parseArgs } from 'node:util';

/** The values of `options` (plus help), or the process ends saying why. */
export function scriptArgs(name, usage, options, folders = []) {
  let values;
  try {
    values = parseArgs({
      options: { ...options, help: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    console.error(`${name}: ${e.message}\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  for (const k of folders)
    if (values[k] !== undefined && (values[k] === '' || values[k].startsWith('-'))) {
      console.error(`${name}: --${k} needs a folder`);
      process.exit(1);
    }
  return values;
}
