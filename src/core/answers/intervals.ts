/**
 * Inequalities as intervals, so "x < -\frac{7}{4} or x > -\frac{3}{2}" can be
 * compared with "(-\infty, -\frac{7}{4}) \cup (-\frac{3}{2}, \infty)".
 * Only one variable, simple bounds and "or"-joined pieces are understood.
 */
import type { AnswerShape } from './normalize';

type Op = '<' | '<=' | '>' | '>=';
type Group = Extract<AnswerShape, { kind: 'group' }>;

const OP = String.raw`(<=|>=|\\leq?|\\geq?|\\le|\\ge|<|>)`;

function toOp(raw: string): Op {
  if (raw === '<' || raw === '>') return raw;
  if (raw === '<=' || raw.startsWith('\\le')) return '<=';
  return '>=';
}

const flip: Record<Op, Op> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=' };

function oneSided(op: Op, bound: string): Group {
  if (op === '<' || op === '<=') return { kind: 'group', open: '(', close: op === '<' ? ')' : ']', items: ['-\\infty', bound] };
  return { kind: 'group', open: op === '>' ? '(' : '[', close: ')', items: [bound, '\\infty'] };
}

function pieceToGroup(piece: string): { variable: string; group: Group } | null {
  const p = piece.trim();
  const double = new RegExp(String.raw`^(.+?)\s*${OP}\s*([a-zA-Z])\s*${OP}\s*(.+)$`).exec(p);
  if (double) {
    const [, lo, op1raw, v, op2raw, hi] = double;
    const op1 = toOp(op1raw);
    const op2 = toOp(op2raw);
    if ((op1 === '<' || op1 === '<=') && (op2 === '<' || op2 === '<=')) {
      return { variable: v, group: { kind: 'group', open: op1 === '<' ? '(' : '[', close: op2 === '<' ? ')' : ']', items: [lo.trim(), hi.trim()] } };
    }
    return null;
  }
  const left = new RegExp(String.raw`^([a-zA-Z])\s*${OP}\s*(.+)$`).exec(p);
  if (left) return { variable: left[1], group: oneSided(toOp(left[2]), left[3].trim()) };
  const right = new RegExp(String.raw`^(.+?)\s*${OP}\s*([a-zA-Z])$`).exec(p);
  if (right) return { variable: right[3], group: oneSided(flip[toOp(right[2])], right[1].trim()) };
  return null;
}

/** Interval shape of an inequality in one variable, or null if `text` is not one. */
export function inequalityToShape(text: string): AnswerShape | null {
  if (!/[<>]|\\[lg]eq?(?![a-zA-Z])/.test(text)) return null;
  const pieces = text.split(/\s+or\s+|\\lor|\\vee|\s*,\s*/);
  const groups: Group[] = [];
  let variable: string | null = null;
  for (const piece of pieces) {
    const g = pieceToGroup(piece);
    if (!g) return null;
    if (variable !== null && g.variable !== variable) return null;
    variable = g.variable;
    groups.push(g.group);
  }
  if (groups.length === 0) return null;
  return groups.length === 1 ? groups[0] : { kind: 'union', parts: groups };
}
