// Codes of the `baomi` command itself (src/cli): bad flags, files it reads and writes.
export const CLI_ERROR_CODES = [
  'CLI_BAD_TIME',
  'CLI_BAD_NUMBER',
  'CLI_BAD_CHOICE',
  'CLI_BOTH_SOURCES',
  'CLI_FILE_EXISTS',
  'CLI_READ_FAILED',
  'CLI_WRITE_FAILED',
  'CLI_BAD_KEY_NAME',
  'CLI_BAD_KEY',
  'CLI_NO_AGENT',
  'CLI_BAD_AT',
  'CLI_EMPTY_VALUE',
  'CLI_TIME_RANGE',
  'CLI_OUT_NOT_FOLDER',
  'CLI_SIG_EMPTY',
  'CLI_USB_AGENT_RUNNING',
  'CLI_USB_AGENT_PROCESS',
  'CLI_USB_RELEASE_DENIED',
  'CLI_EMPTY_OPTION',
  /** Under --json: the code of a usage error commander found (its text: cli.badUsage). */
  'CLI_BAD_USAGE',
  'CLI_UNKNOWN_COMMAND',
] as const;
export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];
