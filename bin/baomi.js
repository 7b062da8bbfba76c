#!/usr/bin/env node
// The `baomi` command. TypeScript is compiled to dist/ on install (npm's `prepare`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'baomi: not built yet; run `npm install` (or `npm run build`) in the project folder\n',
  );
  process.exit(1);
}
await import(entry.href);
