import { type BinaryOp, COMPARISON, type Expr, FilterSyntaxError } from './filter-ast.js';

/**
 * A recursive-descent parser for `$filter` (OData 4 precedence: or < and < not < comparison
 * < add/sub < mul/div/mod < unary minus < primary). Bounded: input length, token count and
 * nesting depth are capped, so no input runs away; every failure is a FilterSyntaxError
 * naming the position.
 */

type Token =
  | { t: 'ident'; v: string; pos: number }
  | { t: 'string'; v: string; pos: number }
  | { t: 'number'; v: number; pos: number }
  | { t: 'time'; v: number; pos: number }
  | { t: 'geo'; v: string; pos: number }
  | { t: '(' | ')' | ',' | '/' | '-' | 'end'; pos: number };

export const MAX_FILTER_LENGTH = 8000;
const MAX_DEPTH = 60;

const DATETIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?)?/;
const NUMBER = /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/;
const IDENT = /^[A-Za-z_@$][\w.@$]*/;

function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',' || c === '/' || c === '-') {
      tokens.push({ t: c, pos: i });
      i++;
      continue;
    }
    if (c === "'") {
      const [value, next] = quoted(input, i);
      tokens.push({ t: 'string', v: value, pos: i });
      i = next;
      continue;
    }
    const rest = input.slice(i, i + 64);
    const dt = DATETIME.exec(rest);
    if (dt && /^\d{4}-/.test(rest)) {
      const ms = parseDateTime(dt[0]);
      if (ms === undefined) throw new FilterSyntaxError(`invalid datetime '${dt[0]}'`, i);
      tokens.push({ t: 'time', v: ms, pos: i });
      i += dt[0].length;
      continue;
    }
    const num = NUMBER.exec(input.slice(i, i + 400));
    if (num) {
      const after = input[i + num[0].length];
      if (after !== undefined && /[A-Za-z_]/.test(after) && !/^[dDfFmM]$/.test(after))
        throw new FilterSyntaxError(`unexpected '${after}' after number`, i + num[0].length);
      tokens.push({ t: 'number', v: Number(num[0]), pos: i });
      i += num[0].length;
      // OData type suffixes (1.5d, 2f, 3m) are accepted and ignored.
      if (after !== undefined && /^[dDfFmM]$/.test(after)) i++;
      continue;
    }
    const id = IDENT.exec(input.slice(i, i + 256));
    if (id) {
      const word = id[0];
      if ((word === 'geography' || word === 'geometry') && input[i + word.length] === "'") {
        const [wkt, next] = quoted(input, i + word.length);
        tokens.push({ t: 'geo', v: wkt, pos: i });
        i = next;
        continue;
      }
      tokens.push({ t: 'ident', v: word, pos: i });
      i += word.length;
      continue;
    }
    throw new FilterSyntaxError(`unexpected character '${c}'`, i);
  }
  tokens.push({ t: 'end', pos: input.length });
  return tokens;
}

function quoted(input: string, start: number): [string, number] {
  let value = '';
  let i = start + 1;
  for (;;) {
    const j = input.indexOf("'", i);
    if (j < 0) throw new FilterSyntaxError('unterminated string', start);
    value += input.slice(i, j);
    if (input[j + 1] === "'") {
      value += "'";
      i = j + 2;
      continue;
    }
    return [value, j + 1];
  }
}

/** ISO 8601 date or datetime (no offset means UTC) to Unix ms; undefined when not a real instant. */
export function parseDateTime(text: string): number | undefined {
  const full = text.length === 10 ? `${text}T00:00:00Z` : /[Z+-]\d{0,2}:?\d{0,2}$/.test(text.slice(10)) ? text : `${text}Z`;
  const ms = Date.parse(full);
  return Number.isFinite(ms) ? ms : undefined;
}

const COMPARISONS = new Set<string>(COMPARISON);
const KEYWORDS = new Set(['and', 'or', 'not', 'add', 'sub', 'mul', 'div', 'mod', ...COMPARISON]);

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private get peek(): Token {
    return this.tokens[this.i] as Token;
  }
  private next(): Token {
    const tok = this.peek;
    if (tok.t !== 'end') this.i++;
    return tok;
  }
  private isWord(word: string): boolean {
    const tok = this.peek;
    return tok.t === 'ident' && tok.v === word;
  }
  private expect(t: '(' | ')' | ','): void {
    const tok = this.next();
    if (tok.t !== t) throw new FilterSyntaxError(`expected '${t}' but found ${describe(tok)}`, tok.pos);
  }

  parse(): Expr {
    const e = this.or();
    const tok = this.peek;
    if (tok.t !== 'end') throw new FilterSyntaxError(`unexpected ${describe(tok)}`, tok.pos);
    return e;
  }

  private nested<T>(pos: number, f: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new FilterSyntaxError(`nesting deeper than ${MAX_DEPTH}`, pos);
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  private or(): Expr {
    let left = this.and();
    while (this.isWord('or')) {
      const pos = this.next().pos;
      left = { k: 'binary', op: 'or', left, right: this.and(), pos };
    }
    return left;
  }
  private and(): Expr {
    let left = this.not();
    while (this.isWord('and')) {
      const pos = this.next().pos;
      left = { k: 'binary', op: 'and', left, right: this.not(), pos };
    }
    return left;
  }
  private not(): Expr {
    if (this.isWord('not')) {
      const pos = this.next().pos;
      return this.nested(pos, () => ({ k: 'not', operand: this.not(), pos }));
    }
    return this.comparison();
  }
  private comparison(): Expr {
    const left = this.additive();
    const tok = this.peek;
    if (tok.t === 'ident' && COMPARISONS.has(tok.v)) {
      this.next();
      return { k: 'binary', op: tok.v as BinaryOp, left, right: this.additive(), pos: tok.pos };
    }
    return left;
  }
  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const tok = this.peek;
      if (tok.t !== 'ident' || (tok.v !== 'add' && tok.v !== 'sub')) return left;
      this.next();
      left = { k: 'binary', op: tok.v, left, right: this.multiplicative(), pos: tok.pos };
    }
  }
  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      const tok = this.peek;
      if (tok.t !== 'ident' || (tok.v !== 'mul' && tok.v !== 'div' && tok.v !== 'mod')) return left;
      this.next();
      left = { k: 'binary', op: tok.v, left, right: this.unary(), pos: tok.pos };
    }
  }
  private unary(): Expr {
    const tok = this.peek;
    if (tok.t === '-') {
      this.next();
      const operand = this.nested(tok.pos, () => this.unary());
      if (operand.k === 'number') return { ...operand, value: -operand.value, pos: tok.pos };
      return { k: 'neg', operand, pos: tok.pos };
    }
    return this.primary();
  }
  private primary(): Expr {
    const tok = this.next();
    switch (tok.t) {
      case '(': {
        const e = this.nested(tok.pos, () => this.or());
        this.expect(')');
        return e;
      }
      case 'string':
        return { k: 'string', value: tok.v, pos: tok.pos };
      case 'number':
        return { k: 'number', value: tok.v, pos: tok.pos };
      case 'time':
        return { k: 'time', value: tok.v, pos: tok.pos };
      case 'geo':
        return { k: 'geo', wkt: tok.v, pos: tok.pos };
      case 'ident':
        return this.identifier(tok);
      default:
        throw new FilterSyntaxError(`expected a value but found ${describe(tok)}`, tok.pos);
    }
  }
  private identifier(tok: Token & { t: 'ident' }): Expr {
    const word = tok.v;
    if (this.peek.t === '(') {
      this.next();
      return this.nested(tok.pos, () => {
        const args: Expr[] = [];
        if (this.peek.t !== ')') {
          args.push(this.or());
          while (this.peek.t === ',') {
            this.next();
            args.push(this.or());
          }
        }
        this.expect(')');
        return { k: 'call', name: word, args, pos: tok.pos };
      });
    }
    if (word === 'true' || word === 'false') return { k: 'bool', value: word === 'true', pos: tok.pos };
    if (word === 'null') return { k: 'null', pos: tok.pos };
    if (KEYWORDS.has(word)) throw new FilterSyntaxError(`expected a value but found '${word}'`, tok.pos);
    const segments = [word];
    while (this.peek.t === '/') {
      this.next();
      const seg = this.next();
      if (seg.t !== 'ident') throw new FilterSyntaxError(`expected a property name after '/'`, seg.pos);
      segments.push(seg.v);
    }
    return { k: 'path', segments, pos: tok.pos };
  }
}

function describe(tok: Token): string {
  switch (tok.t) {
    case 'end':
      return 'the end of the expression';
    case 'ident':
      return `'${tok.v}'`;
    case 'string':
      return 'a string';
    case 'number':
    case 'time':
      return 'a literal';
    case 'geo':
      return 'a geometry';
    default:
      return `'${tok.t}'`;
  }
}

/** Parses a `$filter` value; throws FilterSyntaxError (never anything else) on bad input. */
export function parseFilter(input: string): Expr {
  if (input.length > MAX_FILTER_LENGTH)
    throw new FilterSyntaxError(`longer than ${MAX_FILTER_LENGTH} characters`, MAX_FILTER_LENGTH);
  if (input.trim() === '') throw new FilterSyntaxError('empty expression', 0);
  return new Parser(lex(input)).parse();
}
