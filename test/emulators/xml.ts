/**
 * A minimal XML reader/writer for the Route 53 emulator: elements, text and the five predefined
 * entities (XML 1.0 §4.6) plus numeric character references; attributes (xmlns) are read and
 * ignored. Enough for the request bodies the AWS SDK sends; anything else is a parse error, which
 * the emulator answers like Route 53 does (InvalidInput, "Invalid XML").
 */
export interface XmlNode {
  name: string;
  children: XmlNode[];
  text: string;
}

export function parseXml(src: string): XmlNode {
  let i = src.startsWith('<?xml') ? src.indexOf('?>') + 2 : 0;
  const root: XmlNode = { name: '#root', children: [], text: '' };
  const stack: XmlNode[] = [root];
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const top = stack[stack.length - 1]!;
    if (lt < 0) {
      if (src.slice(i).trim() !== '') throw new Error('text after the root element');
      break;
    }
    if (lt > i) top.text += decode(src.slice(i, lt));
    const gt = src.indexOf('>', lt);
    if (gt < 0) throw new Error('unterminated tag');
    const tag = src.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const node = stack.pop();
      if (node === undefined || node.name !== tag.slice(1).trim()) throw new Error(`mismatched </${tag.slice(1)}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const name = (selfClosing ? tag.slice(0, -1) : tag).trim().split(/\s/)[0] ?? '';
    if (!/^[A-Za-z_][\w.-]*$/.test(name)) throw new Error(`bad element name "${name}"`);
    const node: XmlNode = { name, children: [], text: '' };
    top.children.push(node);
    if (!selfClosing) stack.push(node);
  }
  if (stack.length !== 1 || root.children.length !== 1) throw new Error('expected exactly one root element');
  return root.children[0]!;
}

function decode(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(Number.parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
    return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[e] ?? '';
  });
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export function child(n: XmlNode | undefined, name: string): XmlNode | undefined {
  return n?.children.find((c) => c.name === name);
}

export function children(n: XmlNode | undefined, name: string): XmlNode[] {
  return n?.children.filter((c) => c.name === name) ?? [];
}

export function textOf(n: XmlNode | undefined, name: string): string | undefined {
  const c = child(n, name);
  return c === undefined ? undefined : c.text.trim();
}
