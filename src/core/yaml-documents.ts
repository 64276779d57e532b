// Multi-document YAML text → plain values, with the parser's errors kept per document.
// YAML 1.2 core schema: `8000:800` stays a string (YAML 1.1 would read a base-60 number).
// `yamlDocumentStream` yields one document at a time, so a caller on an event loop can pause
// between documents (a speaker reading 10,000 Services must keep answering BFD and gossip).
import { Composer, Parser } from 'yaml';

export interface YamlDocument {
  /** Position of the document in its file, from 0. */
  readonly index: number;
  readonly value: unknown;
}

export interface YamlParseResult {
  readonly documents: YamlDocument[];
  readonly errors: string[];
}

export type YamlStreamItem = { readonly document: YamlDocument } | { readonly error: string };

export function* yamlDocumentStream(text: string): Generator<YamlStreamItem> {
  const composer = new Composer({ version: '1.2', uniqueKeys: true });
  let index = 0;
  for (const doc of composer.compose(new Parser().parse(text), true, text.length)) {
    const at = index++;
    if (doc.errors.length > 0) {
      for (const e of doc.errors)
        yield { error: `document ${at + 1}: ${e.message.split('\n')[0] ?? e.message}` };
      continue;
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined) yield { document: { index: at, value } };
  }
}

export function parseYamlDocuments(text: string): YamlParseResult {
  const documents: YamlDocument[] = [];
  const errors: string[] = [];
  for (const item of yamlDocumentStream(text)) {
    if ('error' in item) errors.push(item.error);
    else documents.push(item.document);
  }
  return { documents, errors };
}
