// Which states of a chart are active, as the SVG's data-state paths, from an XState snapshot's
// `value` (`'suspect'`, `{ up: 'established' }`, `{ both: { left: 'a', right: 'c' } }`).
// A page adds `state--active` to every `[data-state]` group this returns.

/** XState's StateValue, restated so this module needs no machine. */
export type StateValueLike = string | { readonly [key: string]: StateValueLike | undefined };

/** Every active state's dotted path, outermost first (compound states included). */
export function activeStatePaths(value: StateValueLike, prefix = ''): string[] {
  const at = (key: string): string => (prefix === '' ? key : `${prefix}.${key}`);
  if (typeof value === 'string') return [at(value)];
  return Object.keys(value)
    .sort()
    .flatMap((key) => {
      const child = value[key];
      return [at(key), ...(child === undefined ? [] : activeStatePaths(child, at(key)))];
    });
}
