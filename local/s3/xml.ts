/**
 * The little XML the local S3 speaks: a builder for its responses and a parser for the request
 * documents S3 clients send (DeleteObjects, CompleteMultipartUpload, LifecycleConfiguration).
 * Those documents are elements and text only, so attributes, comments and processing
 * instructions are skipped rather than modelled.
 */

/** An XML element: its name (without namespace prefix), text and child elements. */
export interface XmlElement {
  readonly name: string;
  readonly text: string;
  readonly children: readonly XmlElement[];
}

/** A value for {@link xmlDocument}: text, a nested object, or a list (the element repeated). */
export type XmlValue = string | number | boolean | undefined | XmlObject | readonly XmlValue[];
/** Child elements by name, in insertion order. */
export interface XmlObject {
  readonly [name: string]: XmlValue;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escapes text for element content. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function render(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((item) => render(name, item)).join('');
  if (typeof value === 'object') {
    const inner = Object.entries(value as XmlObject)
      .map(([child, item]) => render(child, item))
      .join('');
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** A complete document with the S3 namespace on its root element. */
export function xmlDocument(root: string, value: XmlObject): string {
  const body = render(root, value).replace(`<${root}>`, `<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
}

/** Thrown for a document that is not well-formed. */
export class MalformedXmlError extends Error {
  override readonly name = 'MalformedXmlError';
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_m, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[entity] ?? '';
  });
}

const TOKEN =
  /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<(\/?)([\w:.-]+)[^>]*?(\/?)>|([^<]+)/g;

/** Parses a document into its root element; throws {@link MalformedXmlError}. */
export function parseXml(xml: string): XmlElement {
  const stack: Array<{ name: string; text: string; children: XmlElement[] }> = [];
  let root: XmlElement | undefined;
  for (const match of xml.matchAll(TOKEN)) {
    const [, cdata, closing, rawName, selfClosing, text] = match;
    const top = stack[stack.length - 1];
    if (cdata !== undefined || text !== undefined) {
      if (top) top.text += cdata ?? decodeEntities(text ?? '');
      else if ((text ?? '').trim() !== '') throw new MalformedXmlError('text outside the root element');
      continue;
    }
    if (rawName === undefined) continue;
    const name = rawName.slice(rawName.indexOf(':') + 1);
    if (closing) {
      const open = stack.pop();
      if (!open || open.name !== name) throw new MalformedXmlError(`unexpected </${name}>`);
      const element: XmlElement = { name, text: open.text.trim(), children: open.children };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else root = element;
      continue;
    }
    if (root) throw new MalformedXmlError('more than one root element');
    const element = { name, text: '', children: [] as XmlElement[] };
    if (selfClosing) {
      if (top) top.children.push(element);
      else root = element;
    } else stack.push(element);
  }
  if (!root || stack.length > 0) throw new MalformedXmlError('the document is incomplete');
  return root;
}

/** The child elements named `name`. */
export function childrenNamed(element: XmlElement | undefined, name: string): XmlElement[] {
  return element ? element.children.filter((child) => child.name === name) : [];
}

/** The first child element named `name`. */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((item) => item.name === name);
}
