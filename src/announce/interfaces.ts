// Reads the node's interfaces from /sys/class/net (flags, operstate, master) for announcement.
import { readdir, readFile, access } from 'node:fs/promises';
import type { InterfaceInfo } from '../core/net/interfaces.js';

const IFF_UP = 0x1;
const IFF_NOARP = 0x80;

export async function listInterfaces(root = '/sys/class/net'): Promise<InterfaceInfo[]> {
  const names = (await readdir(root)).sort();
  const out: InterfaceInfo[] = [];
  for (const name of names) {
    const flags = Number.parseInt(
      (await readFile(`${root}/${name}/flags`, 'utf8').catch(() => '0')).trim(),
      16,
    );
    const hasMaster = await access(`${root}/${name}/master`).then(
      () => true,
      () => false,
    );
    const index = Number.parseInt(
      (await readFile(`${root}/${name}/ifindex`, 'utf8').catch(() => '0')).trim(),
      10,
    );
    out.push({ name, up: (flags & IFF_UP) !== 0, noArp: (flags & IFF_NOARP) !== 0, hasMaster, index });
  }
  return out;
}
