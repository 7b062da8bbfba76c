// Layering (DESIGN.md "Layers"), checked in CI instead of by memory.
// core: pure computation. It may use node:crypto (hashing, signatures) but no I/O modules.
const IO_MODULES = [
  'fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'dgram', 'child_process', 'cluster',
  'worker_threads', 'os', 'process', 'readline', 'tls', 'dns', 'inspector', 'v8', 'vm', 'repl',
  'tty', 'perf_hooks', 'timers', 'timers/promises',
];
const ioPattern = `^(node:)?(${IO_MODULES.map((m) => m.replace('/', '\\/')).join('|')})$`;

module.exports = {
  forbidden: [
    {
      name: 'core-imports-only-core',
      comment: 'src/core imports nothing outside src/core (npm libraries are fine).',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: '^src/core/' },
    },
    {
      name: 'core-does-no-io',
      comment: 'src/core is pure: no files, sockets, processes. Time is passed in.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: ioPattern },
    },
    {
      name: 'core-no-io-libraries',
      comment: 'src/core may not reach I/O through npm packages either.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: 'node_modules/(better-sqlite3|pino|chokidar|usb|node-notifier|commander)/' },
    },
    {
      name: 'electron-only-in-main-and-preload',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(main|preload)/' },
      to: { path: '^electron$|node_modules/electron/' },
    },
    {
      name: 'platform-imports-core-only',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/', pathNot: '^src/(core|platform)/' },
    },
    {
      name: 'agent-imports-core-and-platform',
      severity: 'error',
      from: { path: '^src/agent/' },
      to: { path: '^src/', pathNot: '^src/(core|platform|agent)/' },
    },
    {
      name: 'sqlite-only-in-stores',
      comment:
        'The agent store owns its schema and all its SQL (DESIGN.md "Layers"): modules call its typed methods. The console keeps its own datastore.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(agent/store|console)/' },
      to: { path: 'node_modules/better-sqlite3/' },
    },
    {
      name: 'cli-imports-core-agent-console',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^src/', pathNot: '^src/(core|agent|console|cli|platform)/' },
    },
    {
      name: 'console-imports-core',
      severity: 'error',
      from: { path: '^src/console/' },
      to: { path: '^src/', pathNot: '^src/(core|console)/' },
    },
    {
      name: 'renderer-only-core-types',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: { path: '^src/', pathNot: '^src/(core|renderer)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
