// Multi-document YAML text → plain values, with the parser's errors kept per document.
// YAML 1.2 core schema: `8000:800` stays a string (YAML 1.1 would read a base-60 number).
import { parseAllDocuments } from 'yaml';

export interface YamlDocument {
  /** Position of the document in its file, from 0. */
  readonly index: number;
  readonly value: unknown;
}

export interface YamlParseResult {
  readonly documents: YamlDocument[];
  readonly errors: string[];
}

export function parseYamlDocuments(text: string): YamlParseResult {
  const documents: YamlDocument[] = [];
  const errors: string[] = [];
  parseAllDocuments(text, { version: '1.2', uniqueKeys: true }).forEach((doc, index) => {
    if ('errors' in doc && doc.errors.length > 0) {
      for (const e of doc.errors)
        errors.push(`document ${index + 1}: ${e.message.split('\n')[0] ?? e.message}`);
      return;
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined) documents.push({ index, value });
  });
  return { documents, errors };
}
