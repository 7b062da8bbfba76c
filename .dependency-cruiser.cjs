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
      name: 'web-ui-imports-core-and-ui',
      comment:
        'The console web UI (src/console/web, DESIGN.md) runs in a browser: core types and ' +
        'shared UI only, never the server, the store or node: modules.',
      severity: 'error',
      from: { path: '^src/console/web/' },
      to: { path: '^src/|^(node:)', pathNot: '^src/(core|ui|console/web)/' },
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
      name: 'only-platform-touches-the-tree',
      comment:
        'The folder layer reads the file tree and kernel limits through platform.tree and ' +
        'platform.kernel (src/core/ports), so unit tests can run it on the fake tree.',
      severity: 'error',
      from: { path: '^src/agent/folders/' },
      to: { path: '^(node:)?(fs|fs/promises)$' },
    },
    {
      name: 'only-platform-runs-commands',
      comment:
        'OS commands go through platform.commands (src/platform/node/commands.ts). ' +
        'judge-remote.ts is the exception: it spawns our own policy judge, not an OS tool.',
      severity: 'error',
      from: { path: '^src/(agent|cli)/', pathNot: '^src/agent/policy/judge-remote\\.ts$' },
      to: { path: '^(node:)?child_process$' },
    },
    {
      name: 'adapters-only-through-platform-index',
      comment:
        'OS adapters are picked in one place: outside src/platform, only ' +
        'src/platform/index.ts (and the pure paths.ts) may be imported. Tests and benches ' +
        'may import anything (they are not under src/).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/platform/' },
      to: { path: '^src/platform/', pathNot: '^src/platform/(index|paths)\\.ts$' },
    },
    {
      // The one exception to "core only": the seat token's default place is a pure path
      // function that the agent (which writes the token) and the client (which reads it) share.
      name: 'ipc-imports-core-only',
      comment: 'src/ipc (the local-socket client) imports core, and platform/paths.ts only.',
      severity: 'error',
      from: { path: '^src/ipc/' },
      to: { path: '^src/', pathNot: '^src/(core|ipc)/|^src/platform/paths\\.ts$' },
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
      name: 'cli-imports-core-ipc-agent-console',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: {
        path: '^src/',
        pathNot: '^src/(core|ipc|agent|console|cli)/|^src/platform/(paths|index)\\.ts$',
      },
    },
    {
      name: 'console-imports-core',
      comment: 'The console server imports core; only its web UI (src/console/web) also imports ui.',
      severity: 'error',
      from: { path: '^src/console/', pathNot: '^src/console/web/' },
      to: { path: '^src/', pathNot: '^src/(core|console)/' },
    },
    {
      name: 'console-web-imports-core-and-ui',
      severity: 'error',
      from: { path: '^src/console/web/' },
      to: { path: '^src/', pathNot: '^src/(core|console|ui)/' },
    },
    {
      name: 'ui-imports-core-only',
      comment: 'Components shared by the console web UI and the tray viewer.',
      severity: 'error',
      from: { path: '^src/ui/' },
      to: { path: '^src/', pathNot: '^src/(core|ui)/' },
    },
    {
      name: 'main-imports-core-and-ipc',
      comment: "The tray's Electron main process: core, the socket client, electron.",
      severity: 'error',
      from: { path: '^src/main/' },
      to: { path: '^src/', pathNot: '^src/(core|ipc|main)/' },
    },
    {
      name: 'preload-imports-core-types-only',
      severity: 'error',
      from: { path: '^src/preload/' },
      to: { path: '^src/', pathNot: '^src/(core|preload)/' },
    },
    {
      name: 'preload-core-is-types',
      comment: 'The sandboxed preload exposes named methods; it needs core for types only.',
      severity: 'error',
      from: { path: '^src/preload/' },
      to: { path: '^src/core/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'renderer-imports-core-types-ui-preload-types',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: { path: '^src/', pathNot: '^src/(core|ui|preload|renderer)/' },
    },
    {
      name: 'renderer-preload-is-types',
      comment:
        "The renderer reaches the agent only through the preload API (window.baomi): the preload's types, never its code. Core's pure code (catalogues, chain wording, CSV) is allowed, as for ui: core does no I/O (core-does-no-io), so nothing there reaches the agent.",
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: { path: '^src/preload/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'browser-code-no-node-builtins',
      comment: 'ui, renderer and preload run in a browser or a sandbox: no Node built-ins.',
      severity: 'error',
      from: { path: '^src/(ui|renderer|preload)/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      // A cycle only through `import type` vanishes at run time (workers.ts names the workers;
      // lease-loop.ts, which they use, names the ConsoleWorker type workers.ts declares).
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
