// Two namespaces joined by a veth pair, with IPv4 and IPv6 addresses: the only network a capture
// run touches. Namespaces are named `hcapbfd-<pid>-<suffix>`; stale ones are removed first.
import { formatIp, parseIp } from '../../../src/core/net/ip.js';
import { ip, NamespaceSet } from '../netns.js';

export const NAMESPACE_PREFIX = 'hcapbfd-';

export interface Link {
  readonly left: {
    readonly namespace: string;
    readonly interface: string;
    readonly v4: string;
    readonly v6: string;
  };
  readonly right: {
    readonly namespace: string;
    readonly interface: string;
    readonly v4: string;
    readonly v6: string;
  };
}

export class Topology {
  private readonly namespaces = new NamespaceSet(NAMESPACE_PREFIX);

  /** `subnet` is the third octet of 10.84.<subnet>.0/24 and the group of fd00:84:<subnet>::/64. */
  link(leftName: string, rightName: string, subnet: number): Link {
    const left = this.namespaces.create(leftName);
    const right = this.namespaces.create(rightName);
    const leftIf = `veth-${leftName}`.slice(0, 15);
    const rightIf = `veth-${rightName}`.slice(0, 15);
    ip('link', 'add', leftIf, 'netns', left, 'type', 'veth', 'peer', 'name', rightIf, 'netns', right);
    const side = (namespace: string, name: string, host: number) => {
      const v4 = `10.84.${subnet}.${host}`;
      const v6 = formatIp(parseIp(`fd00:84:${subnet}::${host}`)!);
      ip('-n', namespace, 'addr', 'add', `${v4}/24`, 'dev', name);
      ip('-n', namespace, 'addr', 'add', `${v6}/64`, 'dev', name, 'nodad');
      ip('-n', namespace, 'link', 'set', name, 'up');
      return { namespace, interface: name, v4, v6 };
    };
    return { left: side(left, leftIf, 1), right: side(right, rightIf, 2) };
  }

  cleanup(): void {
    this.namespaces.cleanup();
  }
}
