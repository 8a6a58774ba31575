/**
 * Bounded numeric evaluation of MathJSON (as produced by the Compute Engine
 * parser) in double precision with complex numbers. We evaluate ourselves
 * instead of calling the engine's N(): its arbitrary precision can run away
 * (N() of 10^{10^{10}} exhausts the heap), while doubles just overflow to
 * Infinity. Work is bounded by a node budget and a recursion depth.
 */

export interface Complex {
  re: number;
  im: number;
}

export class NotEvaluable extends Error {}

const c = (re: number, im = 0): Complex => ({ re, im });
const I = c(0, 1);

function add(a: Complex, b: Complex): Complex {
  return c(a.re + b.re, a.im + b.im);
}
function mul(a: Complex, b: Complex): Complex {
  if (a.im === 0 && b.im === 0) return c(a.re * b.re);
  return c(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);
}
function div(a: Complex, b: Complex): Complex {
  if (a.im === 0 && b.im === 0) return c(a.re / b.re);
  const d = b.re * b.re + b.im * b.im;
  return c((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d);
}
function expC(a: Complex): Complex {
  const m = Math.exp(a.re);
  return a.im === 0 ? c(m) : c(m * Math.cos(a.im), m * Math.sin(a.im));
}
function logC(a: Complex): Complex {
  if (a.im === 0 && a.re > 0) return c(Math.log(a.re));
  return c(Math.log(Math.hypot(a.re, a.im)), Math.atan2(a.im, a.re));
}
function powC(a: Complex, b: Complex): Complex {
  if (a.im === 0 && b.im === 0) {
    if (a.re >= 0 || Number.isInteger(b.re)) return c(Math.pow(a.re, b.re));
    // Odd roots of negatives are real in school maths: (-8)^(1/3) = -2.
    const inv = 1 / b.re;
    if (Number.isInteger(Math.round(inv)) && Math.abs(inv - Math.round(inv)) < 1e-12 && Math.round(inv) % 2 !== 0) {
      return c(-Math.pow(-a.re, b.re));
    }
  }
  if (a.re === 0 && a.im === 0) return c(0);
  // Small integer powers of complex numbers: exact repeated multiplication.
  if (b.im === 0 && Number.isInteger(b.re) && Math.abs(b.re) <= 64) {
    let r = c(1);
    for (let k = 0; k < Math.abs(b.re); k++) r = mul(r, a);
    return b.re < 0 ? div(c(1), r) : r;
  }
  return expC(mul(b, logC(a)));
}
function real(a: Complex, what: string): number {
  if (Math.abs(a.im) > 1e-12 * Math.max(1, Math.abs(a.re))) throw new NotEvaluable(`${what} of a complex number`);
  return a.re;
}
function factorial(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new NotEvaluable('factorial of a non-integer');
  if (n > 170) return Infinity;
  let r = 1;
  for (let k = 2; k <= n; k++) r *= k;
  return r;
}
function binomial(n: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(k) || k < 0 || n < 0) throw new NotEvaluable('binomial of non-integers');
  if (k > n) return 0;
  k = Math.min(k, n - k);
  if (k > 1000) return Infinity;
  let r = 1;
  for (let j = 1; j <= k; j++) r = (r * (n - k + j)) / j;
  return Math.round(r);
}

const CONSTANTS: Record<string, Complex> = {
  Pi: c(Math.PI),
  ExponentialE: c(Math.E),
  e: c(Math.E),
  ImaginaryUnit: I,
  i: I,
  PositiveInfinity: c(Infinity),
  NegativeInfinity: c(-Infinity),
  Half: c(0.5),
  NaN: c(NaN),
  ComplexInfinity: c(NaN),
};

/** Symbols that name constants, not free variables. */
export function isConstantSymbol(name: string): boolean {
  return name in CONSTANTS;
}

type MathJson = unknown;

function realFn(f: (x: number) => number): (args: Complex[]) => Complex {
  return (args) => {
    if (args.length !== 1) throw new NotEvaluable('wrong argument count');
    return c(f(real(args[0], 'function')));
  };
}

const FUNCTIONS: Record<string, (args: Complex[]) => Complex> = {
  Add: (a) => a.reduce(add, c(0)),
  Subtract: (a) => (a.length === 1 ? c(-a[0].re, -a[0].im) : add(a[0], c(-a[1].re, -a[1].im))),
  Negate: (a) => c(-a[0].re, -a[0].im),
  Multiply: (a) => a.reduce(mul, c(1)),
  InvisibleOperator: (a) => a.reduce(mul, c(1)),
  Divide: (a) => div(a[0], a[1]),
  Rational: (a) => div(a[0], a[1]),
  Power: (a) => powC(a[0], a[1]),
  Square: (a) => mul(a[0], a[0]),
  Sqrt: (a) => (a[0].im === 0 && a[0].re < 0 ? c(0, Math.sqrt(-a[0].re)) : powC(a[0], c(0.5))),
  Root: (a) => powC(a[0], div(c(1), a[1])),
  Exp: (a) => expC(a[0]),
  Ln: (a) => logC(a[0]),
  Log: (a) => (a.length === 2 ? div(logC(a[0]), logC(a[1])) : div(logC(a[0]), c(Math.LN10))),
  Lb: (a) => div(logC(a[0]), c(Math.LN2)),
  Lg: (a) => div(logC(a[0]), c(Math.LN10)),
  Sin: realFn(Math.sin),
  Cos: realFn(Math.cos),
  Tan: realFn(Math.tan),
  Cot: realFn((x) => 1 / Math.tan(x)),
  Sec: realFn((x) => 1 / Math.cos(x)),
  Csc: realFn((x) => 1 / Math.sin(x)),
  Arcsin: realFn(Math.asin),
  Arccos: realFn(Math.acos),
  Arctan: realFn(Math.atan),
  Sinh: realFn(Math.sinh),
  Cosh: realFn(Math.cosh),
  Tanh: realFn(Math.tanh),
  Abs: (a) => c(Math.hypot(a[0].re, a[0].im)),
  Floor: realFn(Math.floor),
  Ceil: realFn(Math.ceil),
  Round: realFn(Math.round),
  Factorial: (a) => c(factorial(real(a[0], 'factorial'))),
  Binomial: (a) => c(binomial(real(a[0], 'binomial'), real(a[1], 'binomial'))),
  Choose: (a) => c(binomial(real(a[0], 'binomial'), real(a[1], 'binomial'))),
  Degrees: (a) => mul(a[0], c(Math.PI / 180)),
  Complex: (a) => c(real(a[0], 'complex'), real(a[1], 'complex')),
};

export interface EvalBudget {
  nodes: number;
}

/** Evaluate MathJSON with symbol values from `env`. Throws NotEvaluable for anything it does not know. */
export function evaluateMathJson(expr: MathJson, env: Record<string, Complex>, budget: EvalBudget, depth = 0): Complex {
  if (--budget.nodes < 0) throw new NotEvaluable('expression too large');
  if (depth > 200) throw new NotEvaluable('expression too deep');
  if (typeof expr === 'number') return c(expr);
  if (typeof expr === 'string') {
    if (expr in env) return env[expr];
    if (expr in CONSTANTS) return CONSTANTS[expr];
    if (/^'.*'$/.test(expr)) throw new NotEvaluable('text is not a number');
    throw new NotEvaluable(`unknown symbol ${expr}`);
  }
  if (expr !== null && typeof expr === 'object' && !Array.isArray(expr)) {
    const o = expr as Record<string, unknown>;
    if (typeof o.num === 'string') {
      const v = Number(o.num.replace(/[()]/g, '').replace(/\.{3}$/, ''));
      if (Number.isNaN(v)) throw new NotEvaluable('bad number');
      return c(v);
    }
    if (typeof o.sym === 'string') return evaluateMathJson(o.sym, env, budget, depth + 1);
    if (Array.isArray(o.fn)) return evaluateMathJson(o.fn, env, budget, depth + 1);
    throw new NotEvaluable('unknown node');
  }
  if (Array.isArray(expr) && expr.length > 0) {
    const [head, ...rest] = expr;
    if (typeof head !== 'string') throw new NotEvaluable('unknown function');
    // Non-canonical parses keep grouping: ["Delimiter", body, "'()'"], ["Sequence", x].
    if (head === 'Delimiter' || head === 'Sequence') {
      const body = rest.filter((a) => !(typeof a === 'string' && /^'.*'$/.test(a)));
      if (body.length !== 1) throw new NotEvaluable('a sequence is not a number');
      return evaluateMathJson(body[0], env, budget, depth + 1);
    }
    const fn = FUNCTIONS[head];
    if (!fn) throw new NotEvaluable(`unknown function ${head}`);
    const args = rest.map((a) => evaluateMathJson(a, env, budget, depth + 1));
    if (args.length === 0) throw new NotEvaluable(`${head} without arguments`);
    if ((head === 'Divide' || head === 'Rational' || head === 'Power' || head === 'Root' || head === 'Binomial' || head === 'Choose' || head === 'Complex') && args.length !== 2) {
      throw new NotEvaluable(`${head} needs two arguments`);
    }
    return fn(args);
  }
  throw new NotEvaluable('empty expression');
}

/** Free variables of a MathJSON expression (symbols that are not constants or function heads). */
export function freeVariables(expr: MathJson, out: Set<string> = new Set(), depth = 0): Set<string> {
  if (depth > 200 || out.size > 20) return out;
  if (typeof expr === 'string') {
    if (!(expr in CONSTANTS) && !/^'.*'$/.test(expr)) out.add(expr);
  } else if (Array.isArray(expr)) {
    for (const a of expr.slice(1)) freeVariables(a, out, depth + 1);
  } else if (expr !== null && typeof expr === 'object') {
    const o = expr as Record<string, unknown>;
    if (typeof o.sym === 'string') freeVariables(o.sym, out, depth + 1);
    if (Array.isArray(o.fn)) freeVariables(o.fn, out, depth + 1);
  }
  return out;
}

/** True if the MathJSON contains a parse error node or a head we would not evaluate. */
export function hasError(expr: MathJson, depth = 0): boolean {
  if (depth > 200) return true;
  if (Array.isArray(expr)) {
    if (expr[0] === 'Error') return true;
    return expr.some((a) => hasError(a, depth + 1));
  }
  return false;
}
