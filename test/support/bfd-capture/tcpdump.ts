// tcpdump writing BFD control packets (UDP 3784) of one interface to a pcap file, packet by packet
// (-U) so stopping it loses nothing. -Z root: the file lives in a root-owned directory.
import { readFileSync } from 'node:fs';
import { type Processes, waitFor } from './processes.js';

export async function startCapture(
  processes: Processes,
  name: string,
  namespace: string,
  interfaceName: string,
  file: string,
  family: 'ip' | 'ip6',
  logDir: string,
): Promise<void> {
  processes.start(name, namespace, [
    'tcpdump',
    '-i',
    interfaceName,
    '-U',
    '-Z',
    'root',
    '-s',
    '0',
    '-w',
    file,
    `udp port 3784 and ${family}`,
  ]);
  await waitFor(`${name} listening`, () =>
    readFileSync(`${logDir}/${name}.log`, 'utf8').includes('listening'),
  );
}
