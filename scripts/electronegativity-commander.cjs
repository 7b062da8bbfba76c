// Preloaded into electronegativity 1.10.3 (scripts/electronegativity.mjs): it requires
// `commander` without declaring it and needs the old API (the module is the program, v5);
// ours is 14. Inside electronegativity only, `commander` resolves to commander-5 (an npm alias
// of commander@5.1.0 in devDependencies).
const Module = require('node:module');
const { sep } = require('node:path');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (
    request === 'commander' &&
    parent?.filename?.includes(`${sep}@doyensec${sep}electronegativity${sep}`)
  )
    return resolve.call(this, 'commander-5', parent, ...rest);
  return resolve.call(this, request, parent, ...rest);
};
