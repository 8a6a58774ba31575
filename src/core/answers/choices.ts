/**
 * Multiple-choice options listed in a problem, e.g.
 * "$\mathrm{(A) \frac{\sqrt{3}}{12} } \qquad \mathrm{(B) ...}$" or
 * "$\textbf{(A)}\ AB=3, CD=1\qquad ...$" -> { A: "\frac{\sqrt{3}}{12}", ... }.
 */

function trimOption(raw: string): string {
  let s = raw;
  const cut = s.search(/\\qquad|\\quad|\$|\\\\|\n/);
  if (cut >= 0) s = s.slice(0, cut);
  s = s.replace(/^[\s}]*/, '').replace(/^\\ /, '').trim();
  // Drop closing braces left over from \mathrm{(A) ... } around the option.
  let depth = 0;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '\\' && i + 1 < s.length) {
      out += ch + s[i + 1];
      i++;
      continue;
    }
    if (ch === '{') depth++;
    if (ch === '}') {
      if (depth === 0) continue;
      depth--;
    }
    out += ch;
  }
  out = out.replace(/\\(?:mathrm|textbf|text)\{\s*$/, '').trim();
  return out.replace(/[\s,;.]+$/, '').trim();
}

/** Options A–E found in `problem`, in order; null when fewer than two are found. */
export function parseChoices(problem: string): Record<string, string> | null {
  if (typeof problem !== 'string') return null;
  // Not preceded by a letter or digit: "dir(D)" in Asymptote code is no option marker.
  const markers = [...problem.matchAll(/(?<![A-Za-z0-9])\(([A-E])\)/g)];
  const choices: Record<string, string> = {};
  for (let k = 0; k < markers.length; k++) {
    const m = markers[k];
    const start = (m.index ?? 0) + m[0].length;
    const end = k + 1 < markers.length ? (markers[k + 1].index ?? problem.length) : problem.length;
    const value = trimOption(problem.slice(start, end));
    // Later markers win: the option list closes the problem, figures and prose come first.
    if (value !== '') choices[m[1]] = value;
  }
  return Object.keys(choices).length >= 2 ? choices : null;
}
