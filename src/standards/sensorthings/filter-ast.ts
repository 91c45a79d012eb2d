/** The `$filter` expression tree (SensorThings 1.1 §9.3.3.5, OData 4 URL conventions). */

export type Literal =
  | { k: 'string'; value: string; pos: number }
  | { k: 'number'; value: number; pos: number }
  | { k: 'bool'; value: boolean; pos: number }
  | { k: 'null'; pos: number }
  /** A datetime literal (or now(), mindatetime(), maxdatetime()) as Unix milliseconds. */
  | { k: 'time'; value: number; pos: number }
  /** `geography'POINT(1 2)'` / `geometry'…'`: the WKT text, parsed when compiled. */
  | { k: 'geo'; wkt: string; pos: number };

export type Expr =
  | Literal
  /** A property path: `name`, `Datastream/Thing/name`, `properties/owner`. */
  | { k: 'path'; segments: string[]; pos: number }
  | { k: 'binary'; op: BinaryOp; left: Expr; right: Expr; pos: number }
  | { k: 'not'; operand: Expr; pos: number }
  | { k: 'neg'; operand: Expr; pos: number }
  | { k: 'call'; name: string; args: Expr[]; pos: number };

export const COMPARISON = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
export const ARITHMETIC = ['add', 'sub', 'mul', 'div', 'mod'] as const;
export const LOGICAL = ['and', 'or'] as const;
export type ComparisonOp = (typeof COMPARISON)[number];
export type ArithmeticOp = (typeof ARITHMETIC)[number];
export type BinaryOp = ComparisonOp | ArithmeticOp | (typeof LOGICAL)[number];

/** A bad `$filter`: the message names the 0-based character position. */
export class FilterSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`$filter: ${message} at position ${position}`);
    this.name = 'FilterSyntaxError';
  }
}
