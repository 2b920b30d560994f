const fs = require('node:fs'), vm = require('node:vm'), path = require('node:path'), Module = require('node:module');
const file = path.join(__dirname, 'main.cjs');
const cacheFile = file + '.v8cache';
const source = fs.readFileSync(file, 'utf8');
let cachedData;
try { cachedData = fs.readFileSync(cacheFile); } catch {}
const script = new vm.Script(Module.wrap(source), { filename: file, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
const m = new Module(file, module); m.filename = file; m.paths = Module._nodeModulePaths(__dirname);
const fn = script.runInThisContext();
fn.call(m.exports, m.exports, Module.createRequire(file), m, file, __dirname);
if (!cachedData || script.cachedDataRejected) setTimeout(() => { try { fs.writeFileSync(cacheFile + '.tmp', script.createCachedData()); fs.renameSync(cacheFile + '.tmp', cacheFile); } catch {} }, 8000).unref();
