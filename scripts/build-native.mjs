// Builds the native addons with node-gyp, offline: against the installed Node headers when the
// system has them (Debian's nodejs puts them in /usr/include/node), otherwise node-gyp's default.
// Skips an addon when it is newer than its sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const addons = ['af_packet', 'net_extras'];
const nodeGyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
for (const name of addons) {
  const dir = `native/${name}`;
  const output = `${dir}/build/Release/${name}.node`;
  const sources = [`${dir}/binding.gyp`, ...readdirSync(`${dir}/src`).map((f) => `${dir}/src/${f}`)];
  const newest = Math.max(...sources.map((s) => statSync(s).mtimeMs));
  if (existsSync(output) && statSync(output).mtimeMs > newest && !process.argv.includes('--force')) {
    console.log(`native: ${output} is up to date`);
    continue;
  }
  const args = [nodeGyp, 'rebuild', '--directory', dir, '--loglevel', 'warn'];
  if (existsSync('/usr/include/node/node_api.h')) args.push('--nodedir=/usr');
  const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
