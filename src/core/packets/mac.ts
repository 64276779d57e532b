// MAC addresses as 6-byte arrays and `aa:bb:cc:dd:ee:ff` text.

export type Mac = Uint8Array;

export const BROADCAST_MAC: Mac = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
export const ZERO_MAC: Mac = new Uint8Array(6);

export function parseMac(text: string): Mac | undefined {
  const parts = text.split(':');
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) return undefined;
  return new Uint8Array(parts.map((p) => parseInt(p, 16)));
}

export const formatMac = (mac: Mac): string => [...mac].map((b) => b.toString(16).padStart(2, '0')).join(':');

/** The Ethernet multicast address of an IPv6 multicast address (33:33 + its last 4 bytes). */
export function ipv6MulticastMac(address: Uint8Array): Mac {
  return new Uint8Array([0x33, 0x33, address[12] ?? 0, address[13] ?? 0, address[14] ?? 0, address[15] ?? 0]);
}
