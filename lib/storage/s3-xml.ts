// S3's XML answers (ListBucketResult, CopyObjectResult, Error) read with fast-xml-parser, the
// parser the minio client itself uses: entities and character references decoded, every value
// kept as the exact text the server sent (a key of digits stays a string, spaces are kept).
import { XMLParser } from 'fast-xml-parser';

const LISTS = new Set(['Contents', 'CommonPrefixes']);

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => LISTS.has(name),
});

export type XmlNode = { readonly [name: string]: XmlValue };
export type XmlValue = string | XmlNode | readonly XmlNode[];

export function parseS3Xml(text: string): XmlNode {
  return parser.parse(text) as XmlNode;
}

// The text of a child element ('' for an empty one), or undefined when it is missing.
export function textOf(node: XmlValue | undefined, name: string): string | undefined {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return undefined;
  const v = (node as XmlNode)[name];
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : '';
}

// An ETag as S3 writes it, quotes removed.
export const unquoteEtag = (etag: string | undefined) => (etag ?? '').replace(/^"|"$/g, '');
