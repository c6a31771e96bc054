/**
 * A small view over htmlparser2's DOM for OOXML and HTML: find children by (prefixed) name, read
 * attributes, collect text. OOXML is namespaced XML, parsed here in xmlMode with prefixes kept
 * (w:p, a:t, p:sp); the prefixes are fixed by the standard in practice.
 */
import { parseDocument } from 'htmlparser2';

type DomDocument = ReturnType<typeof parseDocument>;
export type DomNode = DomDocument['children'][number];
export type DomElement = Extract<DomNode, { attribs: Record<string, string> }>;

export function parseXml(xml: string): DomDocument {
  return parseDocument(xml, { xmlMode: true });
}

export function isElement(node: DomNode): node is DomElement {
  return 'attribs' in node && 'name' in node;
}

export function elementChildren(node: { children: DomNode[] }, name?: string): DomElement[] {
  return node.children.filter(
    (c): c is DomElement => isElement(c) && (name === undefined || c.name === name),
  );
}

export function firstChild(node: { children: DomNode[] }, name: string): DomElement | undefined {
  return node.children.find((c): c is DomElement => isElement(c) && c.name === name);
}

/** Depth-first search for the first descendant with this name. */
export function findFirst(node: { children: DomNode[] }, name: string): DomElement | undefined {
  for (const c of node.children) {
    if (!isElement(c)) continue;
    if (c.name === name) return c;
    const found = findFirst(c, name);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** All descendants with this name, in document order (not descending into matches). */
export function findAll(node: { children: DomNode[] }, name: string): DomElement[] {
  const out: DomElement[] = [];
  for (const c of node.children) {
    if (!isElement(c)) continue;
    if (c.name === name) out.push(c);
    else out.push(...findAll(c, name));
  }
  return out;
}

/** The `val` of a child like `<w:pStyle w:val="Heading1"/>`. */
export function childValue(node: DomElement | undefined, name: string, attr = 'w:val'): string | undefined {
  if (node === undefined) return undefined;
  return firstChild(node, name)?.attribs[attr];
}

/** Concatenated text of all text nodes below `node`. */
export function textContent(node: DomNode): string {
  if (node.type === 'text' || node.type === 'cdata') {
    return 'data' in node ? node.data : elementChildrenText(node);
  }
  if ('children' in node) return node.children.map(textContent).join('');
  return '';
}

function elementChildrenText(node: DomNode): string {
  return 'children' in node ? node.children.map(textContent).join('') : '';
}
