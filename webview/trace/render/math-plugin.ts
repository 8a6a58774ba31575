/**
 * markdown-it plugin for the math delimiters reasoning models actually write:
 * inline `$…$` and `\(…\)`, display `$$…$$` and `\[…\]` (inline or as their own block).
 * Bare `\boxed{…}` outside delimiters (how R1-style answers end) is rendered as inline math too.
 * Tokens carry the TeX source; the renderer passes it to KaTeX (trust:false, no throw).
 */
import type MarkdownIt from 'markdown-it';

// The CJS typings do not export the state classes by name; take them from the rule signatures.
type InlineRule = Parameters<MarkdownIt['inline']['ruler']['before']>[2];
type BlockRule = Parameters<MarkdownIt['block']['ruler']['before']>[2];
type StateInline = Parameters<InlineRule>[0];
type StateBlock = Parameters<BlockRule>[0];

export type TexRenderer = (tex: string, displayMode: boolean) => string;

const DOLLAR = 0x24;
const BACKSLASH = 0x5c;

/** `$x$` only counts when the opener is not followed by a space and the closer not preceded by one (pandoc's rule: keeps "$5 and $6" as text). */
function findDollarClose(src: string, from: number, max: number): number {
  for (let i = from; i < max; i++) {
    const ch = src.charCodeAt(i);
    if (ch === BACKSLASH) {
      i++;
      continue;
    }
    if (ch === DOLLAR) {
      const prev = src.charCodeAt(i - 1);
      const next = src.charCodeAt(i + 1);
      if (prev === 0x20 || prev === 0x09) return -1;
      if (next >= 0x30 && next <= 0x39) return -1; // "$3 and $4": a price, not math
      return i;
    }
  }
  return -1;
}

function mathInline(state: StateInline, silent: boolean): boolean {
  const { src, pos, posMax } = state;
  const ch = src.charCodeAt(pos);
  let open: string;
  let close: string;
  if (ch === DOLLAR) {
    open = src.charCodeAt(pos + 1) === DOLLAR ? '$$' : '$';
    close = open;
  } else if (ch === BACKSLASH && (src[pos + 1] === '(' || src[pos + 1] === '[')) {
    open = src.slice(pos, pos + 2);
    close = open === '\\(' ? '\\)' : '\\]';
  } else return false;

  const start = pos + open.length;
  let end: number;
  if (open === '$') {
    const next = src.charCodeAt(start);
    if (next === 0x20 || next === 0x09 || next === DOLLAR || Number.isNaN(next)) return false;
    end = findDollarClose(src, start, posMax);
  } else {
    end = src.indexOf(close, start);
    if (end >= posMax) end = -1;
  }
  if (end < 0 || end === start) return false;
  if (!silent) {
    const token = state.push(open === '$' || open === '\\(' ? 'math_inline' : 'math_display', 'math', 0);
    token.content = src.slice(start, end);
    token.markup = open;
  }
  state.pos = end + close.length;
  return true;
}

const BOXED = '\\boxed{';

/** Bare `\boxed{…}` with balanced braces (escaped braces skipped); unbalanced stays text. */
function mathBoxed(state: StateInline, silent: boolean): boolean {
  const { src, pos, posMax } = state;
  if (src.charCodeAt(pos) !== BACKSLASH || !src.startsWith(BOXED, pos)) return false;
  let depth = 0;
  let end = -1;
  for (let i = pos + BOXED.length - 1; i < posMax; i++) {
    const ch = src[i];
    if (ch === '\\') i++;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) {
      end = i + 1;
      break;
    }
  }
  if (end < 0) return false;
  if (!silent) {
    const token = state.push('math_inline', 'math', 0);
    token.content = src.slice(pos, end);
    token.markup = '\\boxed';
  }
  state.pos = end;
  return true;
}

/** A block that starts with `$$` or `\[` on its own line and runs to the matching closer. */
function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  let pos = state.bMarks[startLine] + state.tShift[startLine];
  let max = state.eMarks[startLine];
  if (state.sCount[startLine] - state.blkIndent >= 4) return false;
  const first = state.src.slice(pos, max);
  const open = first.startsWith('$$') ? '$$' : first.startsWith('\\[') ? '\\[' : null;
  if (!open) return false;
  const close = open === '$$' ? '$$' : '\\]';
  if (silent) return true;

  let content: string;
  let line = startLine;
  const rest = first.slice(open.length);
  const sameLineEnd = rest.indexOf(close);
  if (sameLineEnd >= 0) {
    // `$$x$$` on one line; only a block when nothing follows the closer.
    if (rest.slice(sameLineEnd + close.length).trim() !== '') return false;
    content = rest.slice(0, sameLineEnd);
  } else {
    const parts = [rest];
    let found = false;
    while (++line < endLine) {
      pos = state.bMarks[line] + state.tShift[line];
      max = state.eMarks[line];
      if (pos < max && state.sCount[line] < state.blkIndent) break;
      const text = state.src.slice(pos, max);
      const at = text.indexOf(close);
      if (at >= 0) {
        if (text.slice(at + close.length).trim() !== '') return false;
        parts.push(text.slice(0, at));
        found = true;
        break;
      }
      parts.push(text);
    }
    if (!found) return false; // unclosed (e.g. still streaming): leave it as text
    content = parts.join('\n');
  }
  state.line = line + 1;
  const token = state.push('math_display', 'math', 0);
  token.block = true;
  token.content = content;
  token.markup = open;
  token.map = [startLine, state.line];
  return true;
}

export function mathPlugin(md: MarkdownIt, renderTex: TexRenderer): void {
  md.inline.ruler.before('escape', 'math_inline', mathInline);
  md.inline.ruler.before('escape', 'math_boxed', mathBoxed);
  md.block.ruler.before('fence', 'math_block', mathBlock, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
  md.renderer.rules.math_inline = (tokens, idx) => renderTex(tokens[idx].content, false);
  md.renderer.rules.math_display = (tokens, idx) => {
    const html = renderTex(tokens[idx].content, true);
    return tokens[idx].block ? `<div class="math-display">${html}</div>\n` : html;
  };
}
