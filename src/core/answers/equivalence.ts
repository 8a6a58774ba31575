/**
 * Math-aware answer equivalence (gold vs predicted). Order of checks:
 * canonical keys equal -> structure (lists, sets, tuples/intervals, unions,
 * matrices) -> per element: exact rationals (BigInt), then LaTeX parsed by
 * the Compute Engine and evaluated in doubles (numbers: relative 1e-6;
 * expressions with variables: equal at sample points). Never throws.
 * Rules and the measured time bound: docs/answers.md.
 */
import { parseLatex } from './engine';
import { evaluateMathJson, freeVariables, hasError, NotEvaluable, type Complex } from './evaluate';
import { parseExactRational, rationalKey, rationalToNumber, rationalsEqual } from './exact';
import { inequalityToShape } from './intervals';
import { answerShape, choiceLetter, compactElement, normalizeAnswer, type AnswerShape } from './normalize';
import { parseChoices } from './choices';
import { bracketsBalanced } from './latex';
import { answerLimitProblem } from './limits';

export interface EquivalenceOptions {
  /** Wall-clock budget for one comparison; past it the verdict is "not equivalent (timed out)". Default 2000. */
  timeoutMs?: number;
  /** Problem text: lets a choice letter ("C") match the value listed for it ("(C) \frac{1}{6}"). */
  problem?: string;
}

export interface EquivalenceVerdict {
  equivalent: boolean;
  reason: string;
}

/** Relative tolerance for numbers, like Math-Verify's float_rounding=6. */
export const RELATIVE_TOLERANCE = 1e-6;
const ABSOLUTE_FLOOR = 1e-12;
const SAMPLE_POINTS = [0.7310, 1.3790, 2.1130, -0.6170, 3.2710, 0.4217, -1.8830];
const MIN_AGREEING_POINTS = 3;
const MAX_LIST_ITEMS = 32;

class Deadline {
  private readonly end: number;
  constructor(ms: number) {
    this.end = performance.now() + ms;
  }
  check(): void {
    if (performance.now() > this.end) throw new TimedOut();
  }
}
class TimedOut extends Error {}

function short(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > 40 ? t.slice(0, 37) + '...' : t;
}

function verdict(equivalent: boolean, reason: string): EquivalenceVerdict {
  return { equivalent, reason };
}

/** Text of an answer given as anything: numbers become strings, other non-strings become "". */
function asText(x: unknown): string {
  if (typeof x === 'string') return x;
  if (typeof x === 'number' && Number.isFinite(x)) return String(x);
  return '';
}

// ---------- canonical key ----------

function elementKey(item: string): string {
  const compact = compactElement(item);
  const exact = parseExactRational(compact);
  return exact ? rationalKey(exact) : compact;
}

function shapeKey(shape: AnswerShape): string {
  switch (shape.kind) {
    case 'scalar':
      return elementKey(shape.text);
    case 'list': {
      const keys = shape.items.map(elementKey).sort();
      return shape.set ? `\\{${keys.join(',')}\\}` : keys.join(',');
    }
    case 'group':
      return `${shape.open}${shape.items.map(elementKey).join(',')}${shape.close}`;
    case 'union':
      return shape.parts.map(shapeKey).sort().join('\\cup');
    case 'matrix':
      return `[${shape.rows.map((r) => r.map(elementKey).join('&')).join('\\\\')}]`;
  }
}

/**
 * Canonical key for grouping equal answers (vote tallies, histograms):
 * normalised text, numbers as exact rationals ("0.5" and "\frac12" -> "1/2"),
 * unordered lists and sets sorted. Equal non-empty keys imply
 * checkEquivalence() is true; equivalent answers may still have different keys
 * ("\sqrt8" vs "2\sqrt2"). Empty or unusable input gives "".
 */
export function answerKey(answer: string): string {
  // Past the caps an answer is grouped by its bare text: parsing it could take seconds.
  if (answerLimitProblem(asText(answer)) !== null) return asText(answer).replace(/\s+/g, '');
  try {
    const normalized = normalizeAnswer(asText(answer));
    if (normalized === '') return '';
    return shapeKey(answerShape(normalized));
  } catch {
    return asText(answer).replace(/\s+/g, '');
  }
}

// ---------- numbers ----------

function numbersClose(a: Complex, b: Complex): boolean {
  for (const [x, y] of [
    [a.re, b.re],
    [a.im, b.im],
  ]) {
    if (x === y) continue;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
    // Integers below 2^53 are exact in doubles: 2^30 must not equal 1073741825.
    if (Number.isInteger(x) && Number.isInteger(y) && Math.abs(x) < 2 ** 53 && Math.abs(y) < 2 ** 53) return false;
    if (Math.abs(x - y) > Math.max(RELATIVE_TOLERANCE * Math.max(Math.abs(x), Math.abs(y)), ABSOLUTE_FLOOR)) return false;
  }
  return true;
}

function isFiniteComplex(v: Complex): boolean {
  return Number.isFinite(v.re) && Number.isFinite(v.im);
}

// ---------- one element ----------

type Parsed = { json: unknown; vars: Set<string> };

/** Element text prepared for the parser: "x = 5" -> "5", mixed numbers, base subscripts dropped. */
function forParser(item: string): string {
  let s = item.trim();
  const eq = s.split('=');
  if (eq.length === 2 && /^\s*([a-zA-Z]{1,2}|[a-zA-Z]_\{?\w+\}?)\s*$/.test(eq[0]) && eq[1].trim() !== '') s = eq[1].trim();
  s = s.replace(/^(-?)(\d+)\s*\\frac\{(\d+)\}\{(\d+)\}$/, '$1($2+\\frac{$3}{$4})');
  s = s.replace(/^([0-9A-F]+)_\{?(\d{1,2})\}?$/, '$1');
  return s;
}

function parseElement(item: string): Parsed | null {
  const text = forParser(item);
  // Unbalanced brackets are never a scalar answer; refusing them early skips the parser's slow error path.
  if (!bracketsBalanced(text)) return null;
  const json = parseLatex(text);
  if (json === null || hasError(json)) return null;
  return { json, vars: freeVariables(json) };
}

function evaluateAt(json: unknown, env: Record<string, Complex>): Complex | null {
  try {
    return evaluateMathJson(json, env, { nodes: 20000 });
  } catch (e) {
    if (e instanceof NotEvaluable) return null;
    throw e;
  }
}

const RELATIONS: Record<string, string> = { Less: 'Greater', Greater: 'Less', LessEqual: 'GreaterEqual', GreaterEqual: 'LessEqual', Equal: 'Equal', NotEqual: 'NotEqual' };

function relationParts(json: unknown): { head: string; lhs: unknown; rhs: unknown } | null {
  if (Array.isArray(json) && json.length === 3 && typeof json[0] === 'string' && json[0] in RELATIONS) {
    return { head: json[0], lhs: json[1], rhs: json[2] };
  }
  return null;
}

/** Compare two expressions (MathJSON) numerically, at sample points if they have variables. */
function compareExpressions(g: unknown, p: unknown, vars: Set<string>, deadline: Deadline, proportional = false): EquivalenceVerdict | null {
  if (vars.size === 0) {
    const a = evaluateAt(g, {});
    const b = evaluateAt(p, {});
    if (a === null || b === null) return null;
    if (!isFiniteComplex(a) || !isFiniteComplex(b)) {
      // Only a written \infty counts as infinite; 10^{10^{10}} merely overflows doubles.
      const writtenInfinity = JSON.stringify(g).includes('Infinity') && JSON.stringify(p).includes('Infinity');
      if (writtenInfinity && a.re === b.re && a.im === b.im) return verdict(true, 'numeric: same infinity');
      return null;
    }
    if (proportional) {
      if (b.re === 0 && b.im === 0) return verdict(a.re === 0 && a.im === 0, 'numeric: relation');
      return verdict(false, 'numeric: relations differ');
    }
    return numbersClose(a, b) ? verdict(true, `numeric: ${fmt(a)}`) : verdict(false, `different values ${fmt(a)} vs ${fmt(b)}`);
  }
  const names = [...vars];
  let agreeing = 0;
  let ratio: Complex | null = null;
  for (let k = 0; k < SAMPLE_POINTS.length; k++) {
    deadline.check();
    const env: Record<string, Complex> = {};
    names.forEach((name, j) => {
      env[name] = { re: SAMPLE_POINTS[(k + j * 3) % SAMPLE_POINTS.length] + 0.1 * j, im: 0 };
    });
    const a = evaluateAt(g, env);
    const b = evaluateAt(p, env);
    if (a === null || b === null) return null;
    if (!isFiniteComplex(a) || !isFiniteComplex(b)) continue;
    if (proportional) {
      // Equations are equal up to a non-zero factor: 2x - 2 = 0 is x - 1 = 0.
      if (Math.hypot(b.re, b.im) < ABSOLUTE_FLOOR) {
        if (Math.hypot(a.re, a.im) < 1e-9) agreeing++;
        else return verdict(false, 'different relations');
        continue;
      }
      const r = { re: 0, im: 0 };
      const d = b.re * b.re + b.im * b.im;
      r.re = (a.re * b.re + a.im * b.im) / d;
      r.im = (a.im * b.re - a.re * b.im) / d;
      if (ratio === null) ratio = r;
      else if (!numbersClose(ratio, r)) return verdict(false, 'different relations');
      agreeing++;
      continue;
    }
    if (!numbersClose(a, b)) {
      const at = names.map((name) => `${name}=${Number(env[name].re.toFixed(4))}`).join(', ');
      return verdict(false, `different expressions (differ at ${at})`);
    }
    agreeing++;
  }
  if (agreeing < MIN_AGREEING_POINTS) return null;
  if (proportional && ratio !== null && Math.hypot(ratio.re, ratio.im) < 1e-12) return verdict(false, 'different relations');
  return verdict(true, `symbolic: equal at ${agreeing} sample points`);
}

function fmt(v: Complex): string {
  const r = Number(v.re.toPrecision(10));
  if (Math.abs(v.im) < 1e-12) return String(r);
  return `${r}${v.im < 0 ? '-' : '+'}${Math.abs(Number(v.im.toPrecision(10)))}i`;
}

function compareElements(gold: string, pred: string, deadline: Deadline, choices: Record<string, string> | null): EquivalenceVerdict {
  deadline.check();
  const cg = compactElement(gold);
  const cp = compactElement(pred);
  if (cg === cp) return verdict(true, 'exact match after normalisation');

  // Choice letters: "C" against "(C)", or against the value listed for C in the problem.
  const lg = choiceLetter(cg);
  const lp = choiceLetter(cp);
  if (lg && lp) return verdict(lg === lp, lg === lp ? 'same choice letter' : `different choices ${lg} vs ${lp}`);
  if (lg || lp) {
    const letter = (lg ?? lp) as string;
    const listed = choices?.[letter];
    if (listed === undefined) return verdict(false, `choice letter ${letter} vs a value`);
    const other = lg ? pred : gold;
    const inner = compareElements(normalizeAnswer(listed), other, deadline, null);
    return verdict(inner.equivalent, `choice ${letter} = ${short(listed)}: ${inner.reason}`);
  }

  const rg = parseExactRational(cg);
  const rp = parseExactRational(cp);
  if (rg && rp) {
    if (rationalsEqual(rg, rp)) return verdict(true, `numeric: ${short(gold)} = ${short(pred)}`);
    if (!rg.decimal && !rp.decimal) return verdict(false, `different values ${short(gold)} vs ${short(pred)}`);
    const close = numbersClose({ re: rationalToNumber(rg), im: 0 }, { re: rationalToNumber(rp), im: 0 });
    return verdict(close, close ? `numeric: ${short(gold)} ≈ ${short(pred)}` : `different values ${short(gold)} vs ${short(pred)}`);
  }

  // Plain words ("Evelyn", "east"): case does not matter.
  if (/^[a-zA-Z ]{2,}$/.test(gold.trim()) && /^[a-zA-Z ]{2,}$/.test(pred.trim())) {
    const same = gold.trim().toLowerCase() === pred.trim().toLowerCase();
    return verdict(same, same ? 'same word' : `different words ${short(gold)} vs ${short(pred)}`);
  }

  deadline.check();
  const pg = parseElement(gold);
  const pp = parseElement(pred);
  if (pp === null) return verdict(false, 'unparseable prediction');
  if (pg === null) return verdict(false, 'unparseable gold');

  const relG = relationParts(pg.json);
  const relP = relationParts(pp.json);
  if (relG && relP) {
    const vars = new Set([...pg.vars, ...pp.vars]);
    if (relG.head === 'Equal' && relP.head === 'Equal') {
      const r = compareExpressions(['Subtract', relG.lhs, relG.rhs], ['Subtract', relP.lhs, relP.rhs], vars, deadline, true);
      return r ?? verdict(false, 'cannot compare equations');
    }
    let lhs = relP.lhs;
    let rhs = relP.rhs;
    if (RELATIONS[relP.head] === relG.head && relP.head !== relG.head) [lhs, rhs] = [rhs, lhs];
    else if (relP.head !== relG.head) return verdict(false, 'different relations');
    const a = compareExpressions(relG.lhs, lhs, vars, deadline);
    const b = compareExpressions(relG.rhs, rhs, vars, deadline);
    if (a?.equivalent && b?.equivalent) return verdict(true, 'same relation');
    return verdict(false, 'different relations');
  }
  // "y = 2x + 3" against "2x + 3": compare the right-hand side.
  let gJson = pg.json;
  let pJson = pp.json;
  if (relG && relG.head === 'Equal' && !relP && typeof relG.lhs === 'string') gJson = relG.rhs;
  if (relP && relP.head === 'Equal' && !relG && typeof relP.lhs === 'string') pJson = relP.rhs;
  if ((relationParts(gJson) !== null) !== (relationParts(pJson) !== null)) return verdict(false, 'relation vs value');

  const vars = new Set([...freeVariables(gJson), ...freeVariables(pJson)]);
  const result = compareExpressions(gJson, pJson, vars, deadline);
  if (result) return result;
  if (JSON.stringify(gJson) === JSON.stringify(pJson)) return verdict(true, 'same parsed expression');
  return verdict(false, `cannot evaluate; different forms ${short(gold)} vs ${short(pred)}`);
}

// ---------- structures ----------

function matchUnordered(gold: string[], pred: string[], deadline: Deadline, choices: Record<string, string> | null): boolean {
  const used = new Array<boolean>(pred.length).fill(false);
  for (const g of gold) {
    let found = false;
    for (let j = 0; j < pred.length; j++) {
      if (used[j]) continue;
      if (compareElements(g, pred[j], deadline, choices).equivalent) {
        used[j] = true;
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

function describe(shape: AnswerShape): string {
  if (shape.kind === 'list') return shape.set ? 'set' : 'list';
  if (shape.kind === 'group') return shape.open === '(' && shape.close === ')' ? 'tuple/interval' : 'interval';
  return shape.kind;
}

function compareShapes(g: AnswerShape, p: AnswerShape, deadline: Deadline, choices: Record<string, string> | null): EquivalenceVerdict {
  // An inequality on one side and intervals on the other: x < -7/4 or x > -3/2.
  if (g.kind === 'scalar' && p.kind !== 'scalar') {
    const asIntervals = inequalityToShape(g.text);
    if (asIntervals) g = asIntervals;
  }
  if (p.kind === 'scalar' && g.kind !== 'scalar') {
    const asIntervals = inequalityToShape(p.text);
    if (asIntervals) p = asIntervals;
  }
  if (g.kind === 'union' && p.kind === 'group') p = { kind: 'union', parts: [p] };
  if (p.kind === 'union' && g.kind === 'group') g = { kind: 'union', parts: [g] };

  if (g.kind === 'scalar' && p.kind === 'scalar') return compareElements(g.text, p.text, deadline, choices);
  if (g.kind !== p.kind) {
    // A one-item set against a scalar: \{5\} vs 5.
    if (g.kind === 'list' && g.items.length === 1 && p.kind === 'scalar') return compareElements(g.items[0], p.text, deadline, choices);
    if (p.kind === 'list' && p.items.length === 1 && g.kind === 'scalar') return compareElements(g.text, p.items[0], deadline, choices);
    return verdict(false, `different forms: ${describe(g)} vs ${describe(p)}`);
  }
  switch (g.kind) {
    case 'list': {
      const pl = p as Extract<AnswerShape, { kind: 'list' }>;
      if (g.items.length !== pl.items.length) return verdict(false, `different counts ${g.items.length} vs ${pl.items.length}`);
      if (g.items.length > MAX_LIST_ITEMS) return verdict(false, 'list too long to compare');
      const same = matchUnordered(g.items, pl.items, deadline, choices);
      return verdict(same, same ? 'same elements in any order' : 'different elements');
    }
    case 'group': {
      const pg = p as Extract<AnswerShape, { kind: 'group' }>;
      if (g.open !== pg.open || g.close !== pg.close) return verdict(false, `different brackets ${g.open}…${g.close} vs ${pg.open}…${pg.close}`);
      if (g.items.length !== pg.items.length) return verdict(false, `different counts ${g.items.length} vs ${pg.items.length}`);
      for (let k = 0; k < g.items.length; k++) {
        const r = compareElements(g.items[k], pg.items[k], deadline, choices);
        if (!r.equivalent) return verdict(false, `item ${k + 1}: ${r.reason}`);
      }
      return verdict(true, 'same items in order');
    }
    case 'union': {
      const pu = p as Extract<AnswerShape, { kind: 'union' }>;
      if (g.parts.length !== pu.parts.length) return verdict(false, `different number of pieces ${g.parts.length} vs ${pu.parts.length}`);
      const used = new Array<boolean>(pu.parts.length).fill(false);
      for (const part of g.parts) {
        const j = pu.parts.findIndex((q, idx) => !used[idx] && compareShapes(part, q, deadline, choices).equivalent);
        if (j < 0) return verdict(false, 'different pieces');
        used[j] = true;
      }
      return verdict(true, 'same pieces');
    }
    case 'matrix': {
      const pm = p as Extract<AnswerShape, { kind: 'matrix' }>;
      if (g.rows.length !== pm.rows.length || g.rows.some((r, k) => r.length !== pm.rows[k].length)) return verdict(false, 'different matrix sizes');
      for (let r = 0; r < g.rows.length; r++) {
        for (let k = 0; k < g.rows[r].length; k++) {
          const v = compareElements(g.rows[r][k], pm.rows[r][k], deadline, choices);
          if (!v.equivalent) return verdict(false, `entry (${r + 1},${k + 1}): ${v.reason}`);
        }
      }
      return verdict(true, 'same matrix entries');
    }
    default:
      return verdict(false, 'different forms');
  }
}

/** When exactly one side is a choice letter listed in the problem, put the listed value in its place. */
function resolveChoice(
  g: AnswerShape,
  p: AnswerShape,
  choices: Record<string, string> | null,
): { gold: AnswerShape; pred: AnswerShape; letter: string; listed: string } | null {
  if (!choices) return null;
  const letterOf = (s: AnswerShape) => (s.kind === 'scalar' ? choiceLetter(compactElement(s.text)) : null);
  const lg = letterOf(g);
  const lp = letterOf(p);
  if ((lg === null) === (lp === null)) return null;
  const letter = (lg ?? lp) as string;
  const listed = choices[letter];
  if (listed === undefined) return null;
  const shape = answerShape(normalizeAnswer(listed));
  return lg ? { gold: shape, pred: p, letter, listed } : { gold: g, pred: shape, letter, listed };
}

/**
 * Is `pred` the same answer as `gold`? Never throws: garbage gives
 * `{ equivalent: false, reason }`. The reason is short ("numeric: 0.5",
 * "different values 5 vs 6", "unparseable prediction", "empty prediction").
 */
export function checkEquivalence(gold: string, pred: string, opts: EquivalenceOptions = {}): EquivalenceVerdict {
  try {
    const goldText = asText(gold);
    const predText = asText(pred);
    // Size and depth are checked before anything parses (the --timeout deadline cannot
    // interrupt a recursive parse, so nothing unbounded may start).
    const goldProblem = answerLimitProblem(goldText);
    if (goldProblem) return verdict(false, `gold: ${goldProblem}`);
    const predProblem = answerLimitProblem(predText);
    if (predProblem) return verdict(false, `prediction: ${predProblem}`);
    if (predText.trim() === '') return verdict(false, 'empty prediction');
    if (goldText.trim() === '') return verdict(false, 'empty gold');
    const ng = normalizeAnswer(goldText);
    const np = normalizeAnswer(predText);
    if (np === '') return verdict(false, 'empty prediction');
    if (ng === '') return verdict(false, 'empty gold');
    const sg = answerShape(ng);
    const sp = answerShape(np);
    if (shapeKey(sg) === shapeKey(sp)) return verdict(true, 'exact match after normalisation');
    const timeoutMs = opts.timeoutMs ?? 2000;
    const choices = typeof opts.problem === 'string' ? parseChoices(opts.problem) : null;
    const deadline = new Deadline(timeoutMs);
    const resolved = resolveChoice(sg, sp, choices);
    if (resolved) {
      const inner = compareShapes(resolved.gold, resolved.pred, deadline, null);
      return verdict(inner.equivalent, `choice ${resolved.letter} = ${short(resolved.listed)}: ${inner.reason}`);
    }
    return compareShapes(sg, sp, deadline, choices);
  } catch (e) {
    if (e instanceof TimedOut) return verdict(false, `timed out after ${opts.timeoutMs ?? 2000} ms`);
    return verdict(false, `cannot compare: ${e instanceof Error ? short(e.message) : 'error'}`);
  }
}
