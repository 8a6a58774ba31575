/**
 * Search highlighting with the CSS Custom Highlight API: ranges over existing text nodes,
 * so rendered Markdown/KaTeX is never rewritten to insert <mark> elements.
 */
import { findMatches } from '../model/filter';

const ALL = 'rl-search';
const CURRENT = 'rl-search-current';

function supported(): boolean {
  return typeof CSS !== 'undefined' && 'highlights' in CSS && typeof Highlight === 'function';
}

/** Text nodes under root in reading order, skipping KaTeX's hidden MathML copy. */
function textNodes(root: Node): Text[] {
  const nodes: Text[] = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT, {
    acceptNode(node) {
      if (node.nodeType === Node.ELEMENT_NODE) {
        return (node as Element).classList.contains('katex-mathml') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_SKIP;
      }
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n as Text);
  return nodes;
}

/** Ranges covering each match of query in the concatenated text of root. */
export function matchRanges(root: Node, query: string): Range[] {
  if (!query) return [];
  const nodes = textNodes(root);
  const offsets: number[] = [];
  let text = '';
  for (const node of nodes) {
    offsets.push(text.length);
    text += node.data;
  }
  const locate = (at: number, preferEnd: boolean): [Text, number] => {
    // Binary search for the node holding character `at`.
    let lo = 0;
    let hi = nodes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (offsets[mid] < at || (!preferEnd && offsets[mid] === at)) lo = mid;
      else hi = mid - 1;
    }
    return [nodes[lo], at - offsets[lo]];
  };
  return findMatches(text, query, 2000).map(([start, end]) => {
    const range = document.createRange();
    const [startNode, startOffset] = locate(start, false);
    const [endNode, endOffset] = locate(end, true);
    range.setStart(startNode, startOffset);
    range.setEnd(endNode, endOffset);
    return range;
  });
}

/**
 * Highlights query in every root; if `current` names a root and an occurrence, that match gets
 * the current-match style and its range is returned.
 */
export function highlightMatches(roots: readonly Node[], query: string, current?: { root: Node; occurrence: number }): Range | null {
  if (!supported()) return null;
  const all = new Highlight();
  let currentRange: Range | null = null;
  for (const root of roots) for (const range of matchRanges(root, query)) all.add(range);
  if (current && query) {
    const ranges = matchRanges(current.root, query);
    currentRange = ranges[Math.min(current.occurrence, ranges.length - 1)] ?? null;
    for (const range of ranges) all.add(range);
  }
  CSS.highlights.set(ALL, all);
  if (currentRange) CSS.highlights.set(CURRENT, new Highlight(currentRange));
  else CSS.highlights.delete(CURRENT);
  return currentRange;
}
