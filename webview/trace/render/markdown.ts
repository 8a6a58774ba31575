/**
 * Model text → safe DOM: Markdown (markdown-it, raw HTML off) with math (KaTeX, trust off),
 * then DOMPurify. Model output is untrusted: nothing here executes it, and inline style
 * attributes (KaTeX needs them) are re-applied through CSSOM so the webview works under a
 * CSP without style-src 'unsafe-inline'.
 */
import MarkdownIt from 'markdown-it';
import katex from 'katex';
import createDOMPurify from 'dompurify';
import { mathPlugin } from './math-plugin';

export interface MarkdownOptions {
  /** Render TeX with KaTeX (off: math stays as typed). */
  math: boolean;
}

const KATEX_OPTIONS: katex.KatexOptions = {
  throwOnError: false,
  trust: false,
  strict: 'ignore',
  // Bound what hostile TeX can make: sizes in em and macro expansions.
  maxSize: 20,
  maxExpand: 500,
  output: 'htmlAndMathml',
};

export function renderTex(tex: string, displayMode: boolean): string {
  try {
    return katex.renderToString(tex, { ...KATEX_OPTIONS, displayMode });
  } catch {
    // throwOnError:false still throws on non-parse errors (e.g. maxExpand); show the source.
    return `<code class="math-error">${escapeHtml(tex)}</code>`;
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** A renderer from Markdown text to an HTML string (not yet sanitised). */
export function createMarkdownRenderer(options: MarkdownOptions): (text: string) => string {
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false, breaks: false });
  if (options.math) mathPlugin(md, renderTex);
  return (text) => md.render(text);
}

// ------------------------------------------------------------------ sanitising

const FORBID_TAGS = ['img', 'picture', 'source', 'video', 'audio', 'iframe', 'object', 'embed', 'form', 'input', 'button', 'textarea', 'select', 'style', 'link', 'meta', 'base', 'image', 'use', 'foreignObject'];
const FORBID_ATTR = ['srcset', 'action', 'formaction', 'xlink:href', 'background', 'ping'];

/** Inline style properties KaTeX emits (layout and colour); anything else is dropped. */
const ALLOWED_STYLE = /^(height|width|min-width|max-width|top|bottom|left|right|margin(-(top|right|bottom|left))?|padding(-(top|right|bottom|left))?|vertical-align|color|background-color|border(-(top|right|bottom|left))?-(width|color|style)|border-(width|color|style)|font-size|line-height)$/;
const STASH = 'data-rl-style';

/** Parses `a:b; c:d` into allowed [property, value] pairs (no url(), no expressions). */
export function allowedDeclarations(style: string): [string, string][] {
  const out: [string, string][] = [];
  for (const part of style.split(';')) {
    const colon = part.indexOf(':');
    if (colon < 0) continue;
    const prop = part.slice(0, colon).trim().toLowerCase();
    const value = part.slice(colon + 1).trim();
    if (value === '' || /url\(|expression|[\\<>@]/i.test(value)) continue;
    // KaTeX positions limits with position:relative; anything else (fixed, absolute) could overlay the UI.
    if (prop === 'position' ? value !== 'relative' : !ALLOWED_STYLE.test(prop)) continue;
    out.push([prop, value]);
  }
  return out;
}

export interface Sanitizer {
  /** Sanitised DOM for `html`, owned by the window's document, ready to insert. */
  toFragment(html: string): DocumentFragment;
}

export function createSanitizer(win: Window & typeof globalThis): Sanitizer {
  const purify = createDOMPurify(win);
  purify.addHook('afterSanitizeAttributes', (node) => {
    const el = node as Element;
    if (typeof el.getAttribute !== 'function') return;
    const stashed = el.getAttribute(STASH);
    if (stashed !== null) {
      const kept = allowedDeclarations(stashed);
      if (kept.length > 0) el.setAttribute(STASH, kept.map(([p, v]) => `${p}:${v}`).join(';'));
      else el.removeAttribute(STASH);
    }
    if (el.nodeName.toUpperCase() === 'A') {
      el.setAttribute('rel', 'noopener noreferrer');
      el.removeAttribute('target');
      const href = el.getAttribute('href');
      if (href) el.setAttribute('title', href);
    }
  });
  return {
    toFragment(html) {
      // Rename style attributes before any parsing: Chrome checks CSP even while parsing into
      // inert documents, so a strict style-src would log a violation per KaTeX span. Safe as a
      // plain replace because markdown-it and KaTeX escape '"' in text (it is &quot; there).
      const stashedHtml = html.replace(/ style="/g, ` ${STASH}="`);
      const fragment = purify.sanitize(stashedHtml, {
        USE_PROFILES: { html: true, svg: true, mathMl: true },
        FORBID_TAGS,
        FORBID_ATTR,
        ALLOW_DATA_ATTR: false,
        ADD_ATTR: [STASH],
        // Otherwise DOMPurify vets the value as a URI and drops "height:1em" (scheme-like).
        ADD_URI_SAFE_ATTR: [STASH],
        RETURN_DOM_FRAGMENT: true,
      }) as unknown as DocumentFragment;
      for (const el of Array.from(fragment.querySelectorAll<HTMLElement | SVGElement>(`[${STASH}]`))) {
        const stashed = el.getAttribute(STASH) ?? '';
        el.removeAttribute(STASH);
        for (const [prop, value] of allowedDeclarations(stashed)) el.style.setProperty(prop, value);
      }
      return fragment;
    },
  };
}
