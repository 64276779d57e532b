// Passwords of basic-auth Secrets among plain objects (files, or an informer's cache), for the
// passwordSecret of a BGPPeer or an FRRConfiguration neighbour. Pure: base64 through atob.
import type { SecretPassword } from './from-plan.js';

interface SecretLike {
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
  data?: Record<string, unknown>;
  stringData?: Record<string, unknown>;
}

/** `defaultNamespace`: the namespace of a Secret that names none (a file read as `kubectl apply` would). */
export function secretPasswordFrom(objects: readonly unknown[], defaultNamespace: string): SecretPassword {
  return (namespace, name) => {
    for (const object of objects) {
      const o = object as SecretLike | null;
      if (o?.kind !== 'Secret' || o.metadata?.name !== name) continue;
      if ((o.metadata.namespace ?? defaultNamespace) !== namespace) continue;
      const plain = o.stringData?.password;
      if (typeof plain === 'string') return plain;
      const encoded = o.data?.password;
      if (typeof encoded === 'string') return decodeBase64(encoded);
    }
    return undefined;
  };
}

function decodeBase64(text: string): string | undefined {
  try {
    const binary = atob(text.replace(/\s+/g, ''));
    return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}
