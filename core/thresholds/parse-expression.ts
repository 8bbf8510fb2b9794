/**
 * k6's threshold expression grammar (metrics/thresholds_parser.go):
 *
 *   assertion  → aggregation ws* operator ws* number
 *   aggregation→ "count" | "rate" | "value" | "avg" | "min" | "max" | "med" | "p(" number ")"
 *   operator   → ">" | ">=" | "<=" | "<" | "==" | "===" | "!="
 *
 * Whitespace is allowed around every token (also inside p( 95 )). The number
 * is a decimal with optional sign, fraction and exponent.
 */
import type { AggregationMethod } from '../metrics/aggregate.js';
import { parsePercentileName, percentileName } from '../metrics/percentile.js';
import type { ThresholdExpression, ThresholdOperator } from './types.js';

/** Why an expression was rejected: the three cases get different messages. */
export type ExpressionProblem = { kind: 'syntax' } | { kind: 'number'; text: string } | { kind: 'percentile'; percentile: number };

export type ExpressionResult = { ok: true; value: ThresholdExpression } | { ok: false; problem: ExpressionProblem };

const OPERATORS: readonly ThresholdOperator[] = ['===', '==', '!=', '<=', '>=', '<', '>'];
const METHODS: readonly AggregationMethod[] = ['count', 'rate', 'value', 'avg', 'min', 'max', 'med'];
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function parseThresholdExpression(text: string): ExpressionResult {
  const at = text.search(/[<>=!]/);
  if (at === -1) return { ok: false, problem: { kind: 'syntax' } };
  const operator = OPERATORS.find((op) => text.startsWith(op, at));
  if (operator === undefined) return { ok: false, problem: { kind: 'syntax' } };
  const left = text.slice(0, at).trim();
  const right = text.slice(at + operator.length).trim();

  let method: AggregationMethod;
  let percentile = 0;
  if ((METHODS as readonly string[]).includes(left)) {
    method = left as AggregationMethod;
  } else {
    const p = parsePercentileName(left);
    if (p === null) return { ok: false, problem: { kind: 'syntax' } };
    if (p > 100) return { ok: false, problem: { kind: 'percentile', percentile: p } };
    method = 'p';
    percentile = p;
  }
  if (right === '' || /[<>=!]/.test(right)) return { ok: false, problem: { kind: 'syntax' } };
  if (!NUMBER.test(right)) return { ok: false, problem: { kind: 'number', text: right } };
  return {
    ok: true,
    value: { method, percentile, operator, value: Number(right), label: method === 'p' ? percentileName(percentile) : method },
  };
}

/** Apply the operator; `==` and `===` are the same on numbers, as in k6. */
export function compare(observed: number, operator: ThresholdOperator, value: number): boolean {
  switch (operator) {
    case '<':
      return observed < value;
    case '<=':
      return observed <= value;
    case '>':
      return observed > value;
    case '>=':
      return observed >= value;
    case '==':
    case '===':
      return observed === value;
    case '!=':
      return observed !== value;
  }
}
