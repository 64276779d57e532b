// Builds the AF_PACKET addon with node-gyp, offline: against the installed Node headers when the
// system has them (Debian's nodejs puts them in /usr/include/node), otherwise node-gyp's default.
// Skips the build when the addon is newer than its sources.
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const dir = 'native/af_packet';
const output = `${dir}/build/Release/af_packet.node`;
const sources = [`${dir}/binding.gyp`, `${dir}/src/af_packet.cc`];
const newest = Math.max(...sources.map((s) => statSync(s).mtimeMs));
if (existsSync(output) && statSync(output).mtimeMs > newest && !process.argv.includes('--force')) {
  console.log(`native: ${output} is up to date`);
  process.exit(0);
}
const nodeGyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
const args = [nodeGyp, 'rebuild', '--directory', dir, '--loglevel', 'warn'];
if (existsSync('/usr/include/node/node_api.h')) args.push('--nodedir=/usr');
const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(run.status ?? 1);
