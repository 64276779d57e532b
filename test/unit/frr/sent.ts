// Reads back from a rendered frr.conf what each neighbour is sent: for every `network`, the tag
// its route-map sets; for every `<neighbour>-out` entry, the tag or prefix-list it matches and the
// `set` lines it applies. A test helper, so assertions say "10.0.0.1 gets P with LOCAL_PREF 150"
// rather than how the file spells it. FRR semantics kept: entries in seq order, first match wins.

/** Neighbour filter name → prefix → the `set` lines applied to it (trimmed). */
export function sentByNeighbor(text: string): Map<string, Map<string, string[]>> {
  const lines = text.split('\n');
  const tagSetBy = new Map<string, number>(); // route-map name → tag it sets
  const prefixLists = new Map<string, string[]>();
  const outEntries = new Map<string, { seq: number; tag?: number; list?: string; sets: string[] }[]>();
  const networkTag = new Map<string, number | undefined>();
  let current:
    { name: string; entry?: { seq: number; tag?: number; list?: string; sets: string[] } } | undefined;
  for (const line of lines) {
    let m: RegExpMatchArray | null;
    if ((m = /^route-map (\S+) (permit|deny) (\d+)$/.exec(line))) {
      const [, name = '', action, seq] = m;
      current = { name };
      if (name.endsWith('-out') && action === 'permit') {
        current.entry = { seq: Number(seq), sets: [] };
        const list = outEntries.get(name) ?? [];
        list.push(current.entry);
        outEntries.set(name, list);
      }
    } else if ((m = /^ set tag (\d+)$/.exec(line)) && current) tagSetBy.set(current.name, Number(m[1]));
    else if ((m = /^ match tag (\d+)$/.exec(line)) && current?.entry) current.entry.tag = Number(m[1]);
    else if ((m = /^ match ipv?6? ?address prefix-list (\S+)$/.exec(line)) && current?.entry)
      current.entry.list = m[1];
    else if ((m = /^ (set .*)$/.exec(line)) && current?.entry) current.entry.sets.push(m[1] ?? '');
    else if ((m = /^ipv?6? prefix-list (\S+) seq \d+ permit (\S+)$/.exec(line))) {
      const list = prefixLists.get(m[1] ?? '') ?? [];
      list.push(m[2] ?? '');
      prefixLists.set(m[1] ?? '', list);
    } else if ((m = /^ {2}network (\S+)(?: route-map (\S+))?$/.exec(line)))
      networkTag.set(m[1] ?? '', m[2] === undefined ? undefined : tagSetBy.get(m[2]));
    else if (line === 'exit') current = undefined;
  }
  const out = new Map<string, Map<string, string[]>>();
  for (const [routeMap, entries] of outEntries) {
    const sent = new Map<string, string[]>();
    for (const [prefix, tag] of networkTag) {
      const hit = [...entries]
        .sort((a, b) => a.seq - b.seq)
        .find((e) =>
          e.tag !== undefined ? e.tag === tag : (prefixLists.get(e.list ?? '') ?? []).includes(prefix),
        );
      if (hit) sent.set(prefix, hit.sets);
    }
    out.set(routeMap.slice(0, -'-out'.length), sent);
  }
  return out;
}
