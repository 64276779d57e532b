// Rescans the node's interfaces periodically and lets the responder repair itself (re-open
// sockets of re-created or failed interfaces). Returns a stop function.
import type { InterfaceInfo } from '../core/net/interfaces.js';
import { listInterfaces } from './interfaces.js';
import type { Layer2Responder } from './layer2-responder.js';

export function superviseInterfaces(
  responder: Layer2Responder,
  onList: (interfaces: InterfaceInfo[]) => void,
  intervalMs = 1000,
): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void listInterfaces()
      .then((list) => {
        onList(list);
        responder.refresh();
      })
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  return () => clearInterval(timer);
}
