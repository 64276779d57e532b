// A strict little XML reader for the SVGs the renderer writes (no comments, CDATA or processing
// instructions): it fails on unbalanced tags, unquoted attributes, raw `<` or `&` in text, so a
// test that reads an SVG with it also checks the SVG is well-formed.

export interface XmlElement {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** Text directly inside the element, entities decoded. */
  readonly text: string;
}

export function parseXml(source: string): XmlElement {
  const stack: { name: string; attributes: Map<string, string>; children: XmlElement[]; text: string }[] = [];
  let root: XmlElement | undefined;
  let at = 0;
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  while (at < source.length) {
    const lt = source.indexOf('<', at);
    const text = source.slice(at, lt < 0 ? source.length : lt);
    if (text.trim() !== '') {
      const top = stack[stack.length - 1];
      if (top === undefined) throw new Error(`text outside the root element: ${text.slice(0, 40)}`);
      top.text += decode(text);
    }
    if (lt < 0) break;
    tag.lastIndex = lt;
    const match = tag.exec(source);
    if (match === null) throw new Error(`malformed tag at ${lt}: ${source.slice(lt, lt + 60)}`);
    const [, closing, name = '', attributeText = '', selfClosing] = match;
    at = tag.lastIndex;
    if (closing === '/') {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}>`);
      const element: XmlElement = { ...open };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else root = element;
      continue;
    }
    const attributes = new Map<string, string>();
    for (const [, key = '', value = ''] of attributeText.matchAll(/([\w:-]+)="([^"]*)"/g)) {
      if (attributes.has(key)) throw new Error(`attribute ${key} twice on <${name}>`);
      attributes.set(key, decode(value));
    }
    const element = { name, attributes, children: [] as XmlElement[], text: '' };
    if (selfClosing === '/') {
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else root = element;
    } else stack.push(element);
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1]?.name ?? ''}> is never closed`);
  if (root === undefined) throw new Error('no root element');
  return root;
}

function decode(text: string): string {
  if (/&(?!#\d+;|amp;|lt;|gt;|quot;|apos;)/.test(text)) throw new Error(`bare & in ${text}`);
  if (text.includes('<')) throw new Error(`raw < in ${text}`);
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Every element below (and including) `root`, depth-first. */
export function allElements(root: XmlElement): XmlElement[] {
  return [root, ...root.children.flatMap(allElements)];
}

export function classes(element: XmlElement): string[] {
  return (element.attributes.get('class') ?? '').split(/\s+/).filter((c) => c !== '');
}

/** All text inside an element, its descendants' included. */
export function deepText(element: XmlElement): string {
  return [element.text, ...element.children.map(deepText)].join('');
}
