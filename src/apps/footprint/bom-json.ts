import { BomImportError } from './errors.js';

/**
 * A small JSON reader for BOM files that keeps what `JSON.parse` drops: the line each value starts on (for
 * errors that name the line) and number literals as written (so "0.1" stays 0.1, not a binary float).
 */
export type JsonNode = { readonly line: number } & (
  | { readonly kind: 'object'; readonly members: ReadonlyMap<string, JsonNode> }
  | { readonly kind: 'array'; readonly items: readonly JsonNode[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly raw: string }
  | { readonly kind: 'literal'; readonly value: boolean | null }
);

export function readJson(text: string): JsonNode {
  const r = new Reader(text.replace(/^\uFEFF/, ''));
  const node = r.value();
  r.space();
  if (r.at < r.text.length) r.fail('unexpected text after the JSON document');
  return node;
}

const numberPattern = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const escapes: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class Reader {
  at = 0;
  line = 1;
  constructor(readonly text: string) {}

  fail(reason: string): never {
    throw new BomImportError(this.line, `invalid JSON: ${reason}`);
  }

  space(): void {
    for (;;) {
      const c = this.text[this.at];
      if (c === '\n') this.line++;
      else if (c !== ' ' && c !== '\t' && c !== '\r') return;
      this.at++;
    }
  }

  expect(c: string): void {
    this.space();
    if (this.text[this.at] !== c) this.fail(`expected ${c}`);
    this.at++;
  }

  value(): JsonNode {
    this.space();
    const line = this.line;
    const c = this.text[this.at];
    if (c === '{') return { line, kind: 'object', members: this.object() };
    if (c === '[') return { line, kind: 'array', items: this.array() };
    if (c === '"') return { line, kind: 'string', value: this.string() };
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const)
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return { line, kind: 'literal', value };
      }
    numberPattern.lastIndex = this.at;
    const m = numberPattern.exec(this.text);
    if (!m) this.fail(c === undefined ? 'unexpected end' : `unexpected ${JSON.stringify(c)}`);
    this.at += m[0].length;
    return { line, kind: 'number', raw: m[0] };
  }

  object(): Map<string, JsonNode> {
    const members = new Map<string, JsonNode>();
    this.at++;
    this.space();
    if (this.text[this.at] === '}') {
      this.at++;
      return members;
    }
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"') this.fail('expected a member name');
      const name = this.string();
      this.expect(':');
      members.set(name, this.value());
      this.space();
      const c = this.text[this.at++];
      if (c === '}') return members;
      if (c !== ',') this.fail('expected , or }');
    }
  }

  array(): JsonNode[] {
    const items: JsonNode[] = [];
    this.at++;
    this.space();
    if (this.text[this.at] === ']') {
      this.at++;
      return items;
    }
    for (;;) {
      items.push(this.value());
      this.space();
      const c = this.text[this.at++];
      if (c === ']') return items;
      if (c !== ',') this.fail('expected , or ]');
    }
  }

  string(): string {
    let out = '';
    this.at++;
    for (;;) {
      const c = this.text[this.at++];
      if (c === undefined || c === '\n') this.fail('unterminated string');
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.at++] ?? '';
      if (e === 'u') {
        const hex = this.text.slice(this.at, this.at + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
        out += String.fromCharCode(Number.parseInt(hex, 16));
        this.at += 4;
      } else if (escapes[e] !== undefined) out += escapes[e];
      else this.fail(`bad escape \\${e}`);
    }
  }
}
