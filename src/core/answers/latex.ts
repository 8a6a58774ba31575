/**
 * Small LaTeX text helpers shared by answer extraction and equivalence.
 * They work on plain strings (no parsing into a tree) and never throw.
 */

/** Index of the `}` closing the `{` at `open`, or -1 when it is never closed. Escaped `\{`/`\}` are skipped. */
export function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') {
      i++; // skip the escaped character (\{, \}, \\)
      continue;
    }
    if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

const OPENERS = new Set(['(', '[', '{']);
const CLOSERS = new Set([')', ']', '}']);

/**
 * Split `text` on `sep` where it sits outside every bracket pair. Brackets of
 * any kind nest together, so half-open intervals like `[1,2)` stay whole.
 * `\{` and `\}` count as brackets; `\left(`/`\right)` are plain brackets here.
 */
export function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (depth === 0 && text.startsWith(sep, i)) {
      parts.push(text.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
      continue;
    }
    if (ch === '\\' && i + 1 < text.length) {
      const next = text[i + 1];
      if (next === '{') depth++;
      else if (next === '}') depth = Math.max(0, depth - 1);
      i++;
      continue;
    }
    if (OPENERS.has(ch)) depth++;
    else if (CLOSERS.has(ch)) depth = Math.max(0, depth - 1);
  }
  parts.push(text.slice(start));
  return parts;
}

/** True when every bracket in `text` is balanced (kinds may mix, as in `[1,2)`). */
export function bracketsBalanced(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (OPENERS.has(ch)) depth++;
    else if (CLOSERS.has(ch)) {
      depth--;
      if (depth < 0) return false;
    }
  }
  return depth === 0;
}

/**
 * If `text` is entirely one bracket group opened at 0 and closed at the last
 * character (kinds may differ: `[1,2)`), return the opener, inner text and closer.
 */
export function outerGroup(text: string): { open: string; inner: string; close: string } | null {
  const t = text.trim();
  let open: string;
  let body: string;
  if (t.startsWith('\\{')) {
    open = '\\{';
    body = t.slice(2);
  } else if (t.length > 0 && OPENERS.has(t[0])) {
    open = t[0];
    body = t.slice(1);
  } else return null;
  let close: string;
  let inner: string;
  if (body.endsWith('\\}')) {
    close = '\\}';
    inner = body.slice(0, -2);
  } else if (body.length > 0 && CLOSERS.has(body[body.length - 1]) && !body.endsWith('\\' + body[body.length - 1])) {
    close = body[body.length - 1];
    inner = body.slice(0, -1);
  } else return null;
  // The opener must close at the very end, not earlier as in "(1)+(2)".
  let depth = 0;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i];
    if (ch === '\\') {
      const next = inner[i + 1];
      if (next === '{') depth++;
      else if (next === '}') depth--;
      i++;
    } else if (OPENERS.has(ch)) depth++;
    else if (CLOSERS.has(ch)) depth--;
    if (depth < 0) return null;
  }
  if (depth !== 0) return null;
  return { open, inner, close };
}

/**
 * Replace every `\cmd{...}` (brace argument, nested braces allowed) by `render(content)`.
 * Used to unwrap `\text{}`, `\boxed{}`, `\mathrm{}` without regex over nested braces.
 */
export function replaceCommand(text: string, command: string, render: (content: string) => string): string {
  let out = '';
  let i = 0;
  const token = '\\' + command;
  while (i < text.length) {
    const at = text.indexOf(token, i);
    if (at < 0) break;
    const after = at + token.length;
    // Do not match a longer command name (\text vs \textbf).
    if (/[a-zA-Z]/.test(text[after] ?? '')) {
      out += text.slice(i, after);
      i = after;
      continue;
    }
    let j = after;
    while (text[j] === ' ') j++;
    if (text[j] !== '{') {
      out += text.slice(i, after);
      i = after;
      continue;
    }
    const close = matchingBrace(text, j);
    if (close < 0) {
      out += text.slice(i);
      return out;
    }
    out += text.slice(i, at) + render(text.slice(j + 1, close));
    i = close + 1;
  }
  return out + text.slice(i);
}
