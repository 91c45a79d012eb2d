/**
 * Arithmetic over named inputs for derived datastreams: numbers, names, + - * / ^, unary minus,
 * parentheses and a few functions. Parsed once into a closure (no eval, no user code runs):
 * `l1 + l2 + l3`, `(t - 32) * 5 / 9`, `sqrt(p^2 + q^2)`.
 */
export type Compiled = (vars: Readonly<Record<string, number>>) => number;

const FUNCTIONS: Record<string, { arity: [number, number]; fn: (...a: number[]) => number }> = {
  abs: { arity: [1, 1], fn: Math.abs },
  sqrt: { arity: [1, 1], fn: Math.sqrt },
  exp: { arity: [1, 1], fn: Math.exp },
  ln: { arity: [1, 1], fn: Math.log },
  log10: { arity: [1, 1], fn: Math.log10 },
  round: { arity: [1, 1], fn: Math.round },
  min: { arity: [1, 16], fn: Math.min },
  max: { arity: [1, 16], fn: Math.max },
  pow: { arity: [2, 2], fn: Math.pow },
};

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
  }
}

type Token =
  | { kind: 'num'; value: number; pos: number }
  | { kind: 'name'; value: string; pos: number }
  | { kind: 'op'; value: string; pos: number };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const num = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ kind: 'num', value: Number(num[0]), pos: i });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (name) {
      out.push({ kind: 'name', value: name[0], pos: i });
      i += name[0].length;
      continue;
    }
    if ('+-*/^(),'.includes(c)) {
      out.push({ kind: 'op', value: c, pos: i });
      i++;
      continue;
    }
    throw new ExpressionError(`unexpected '${c}'`, i);
  }
  return out;
}

/** Compiles `src`; every name must be in `names` (the inputs). Throws ExpressionError. */
export function compile(src: string, names: ReadonlySet<string>): { run: Compiled; uses: Set<string> } {
  if (src.length > 1000) throw new ExpressionError('expression longer than 1000 characters', 0);
  const tokens = tokenize(src);
  const uses = new Set<string>();
  let i = 0;
  let depth = 0;
  const peek = () => tokens[i];
  const isOp = (v: string) => {
    const t = tokens[i];
    return t?.kind === 'op' && t.value === v;
  };
  const expect = (v: string) => {
    if (!isOp(v)) throw new ExpressionError(`expected '${v}'`, tokens[i]?.pos ?? src.length);
    i++;
  };
  // expr := term (('+'|'-') term)*; term := unary (('*'|'/') unary)*; unary := '-' unary | power;
  // power := primary ('^' unary)?  (right-associative, binds tighter than unary minus on its left)
  const expr = (): Compiled => {
    if (++depth > 64) throw new ExpressionError('nested deeper than 64', peek()?.pos ?? 0);
    let left = term();
    while (isOp('+') || isOp('-')) {
      const op = (tokens[i++] as Token).value;
      const l = left;
      const r = term();
      left = op === '+' ? (v) => l(v) + r(v) : (v) => l(v) - r(v);
    }
    depth--;
    return left;
  };
  const term = (): Compiled => {
    let left = unary();
    while (isOp('*') || isOp('/')) {
      const op = (tokens[i++] as Token).value;
      const l = left;
      const r = unary();
      left = op === '*' ? (v) => l(v) * r(v) : (v) => l(v) / r(v);
    }
    return left;
  };
  const unary = (): Compiled => {
    if (isOp('-')) {
      i++;
      const inner = unary();
      return (v) => -inner(v);
    }
    if (isOp('+')) {
      i++;
      return unary();
    }
    return power();
  };
  const power = (): Compiled => {
    const base = primary();
    if (!isOp('^')) return base;
    i++;
    const exp = unary();
    return (v) => base(v) ** exp(v);
  };
  const primary = (): Compiled => {
    const t = peek();
    if (!t) throw new ExpressionError('unexpected end', src.length);
    i++;
    if (t.kind === 'num') {
      const n = t.value;
      return () => n;
    }
    if (t.kind === 'name') {
      if (isOp('(')) {
        const f = FUNCTIONS[t.value];
        if (!f) throw new ExpressionError(`unknown function ${t.value}`, t.pos);
        i++;
        const args: Compiled[] = [expr()];
        while (isOp(',')) {
          i++;
          args.push(expr());
        }
        expect(')');
        if (args.length < f.arity[0] || args.length > f.arity[1])
          throw new ExpressionError(`${t.value} takes ${f.arity.join(' to ')} arguments`, t.pos);
        return (v) => f.fn(...args.map((a) => a(v)));
      }
      if (!names.has(t.value)) throw new ExpressionError(`unknown input ${t.value}`, t.pos);
      uses.add(t.value);
      const name = t.value;
      return (v) => v[name] as number;
    }
    if (t.value === '(') {
      const inner = expr();
      expect(')');
      return inner;
    }
    throw new ExpressionError(`unexpected '${t.value}'`, t.pos);
  };
  const run = expr();
  if (i < tokens.length) throw new ExpressionError(`unexpected '${(tokens[i] as Token).value}'`, (tokens[i] as Token).pos);
  return { run, uses };
}
