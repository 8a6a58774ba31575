/**
 * Exact rationals for answers written as plain numbers: integers, decimals,
 * a/b, \frac{a}{b}, mixed numbers (3\frac{1}{2} = 7/2, as in MATH) and
 * scientific notation. BigInt arithmetic, so large AIME-style integers never
 * round. Input must already be normalised (normalizeAnswer) and compact (no spaces).
 */

export interface ExactRational {
  num: bigint;
  den: bigint;
  /** Written with a decimal point or exponent: a rounded value, compared with tolerance when it meets an irrational. */
  decimal: boolean;
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function make(num: bigint, den: bigint, decimal: boolean): ExactRational | null {
  if (den === 0n) return null;
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const g = gcd(num, den) || 1n;
  return { num: num / g, den: den / g, decimal };
}

// Digits are capped so BigInt work stays trivially cheap on garbage input.
const DECIMAL = /^(-?)(\d{0,400})(?:\.(\d{0,400}))?(?:e([+-]?\d{1,4}))?$/i;

function parseDecimal(s: string): ExactRational | null {
  const m = DECIMAL.exec(s);
  if (!m) return null;
  const [, sign, intPart, frac = '', exp] = m;
  if (intPart === '' && frac === '') return null;
  let num = BigInt((intPart || '0') + frac);
  let den = 10n ** BigInt(frac.length);
  if (exp !== undefined) {
    const e = Number(exp);
    if (Math.abs(e) > 400) return null;
    if (e >= 0) num *= 10n ** BigInt(e);
    else den *= 10n ** BigInt(-e);
  }
  if (sign === '-') num = -num;
  return make(num, den, s.includes('.') || exp !== undefined);
}

function parseSignedInt(s: string): bigint | null {
  return /^-?\d{1,400}$/.test(s) ? BigInt(s) : null;
}

/** Exact value of a compact numeric answer, or null when it is not a plain number. */
export function parseExactRational(compact: string): ExactRational | null {
  let s = compact;
  if (s.startsWith('+')) s = s.slice(1);
  const dec = parseDecimal(s);
  if (dec) return dec;

  const slash = /^(-?\d{1,400})\/(-?\d{1,400})$/.exec(s);
  if (slash) return make(BigInt(slash[1]), BigInt(slash[2]), false);

  const neg = s.startsWith('-') ? -1n : 1n;
  const body = s.startsWith('-') ? s.slice(1) : s;
  const frac = /^(\d{0,400})\\frac\{(-?\d{1,400})\}\{(-?\d{1,400})\}$/.exec(body);
  if (frac) {
    const whole = frac[1] === '' ? 0n : BigInt(frac[1]);
    const n = parseSignedInt(frac[2]);
    const d = parseSignedInt(frac[3]);
    if (n === null || d === null || d === 0n) return null;
    // Mixed number 3\frac{1}{2} = 3 + 1/2 (only with a positive fraction, as MATH writes it).
    if (whole !== 0n && (n < 0n || d < 0n)) return null;
    return make(neg * (whole * d + n), d, false);
  }
  const fracDec = /^\\frac\{(\d{1,40}(?:\.\d{1,40})?)\}\{(\d{1,40}(?:\.\d{1,40})?)\}$/.exec(body);
  if (fracDec) {
    const a = parseDecimal(fracDec[1]);
    const b = parseDecimal(fracDec[2]);
    if (!a || !b || b.num === 0n) return null;
    return make(neg * a.num * b.den, a.den * b.num, a.decimal || b.decimal);
  }
  return null;
}

/** Canonical text of an exact rational: "7/2", "-3", "0". */
export function rationalKey(r: ExactRational): string {
  return r.den === 1n ? r.num.toString() : `${r.num}/${r.den}`;
}

export function rationalsEqual(a: ExactRational, b: ExactRational): boolean {
  return a.num === b.num && a.den === b.den;
}

/** Float value for tolerance comparisons (exact enough for 1e-6 relative checks). */
export function rationalToNumber(r: ExactRational): number {
  const v = Number(r.num) / Number(r.den);
  if (Number.isFinite(v)) return v;
  // Both parts overflow a double: scale down by the common number of digits.
  const shift = Math.max(r.num.toString().length, r.den.toString().length) - 300;
  if (shift <= 0) return v;
  const p = 10n ** BigInt(shift);
  return Number(r.num / p) / Number(r.den / p);
}
