/**
 * Reconsideration markers that open a new episode when they begin a paragraph.
 * MRT: the six exact, case-sensitive prefixes of CMU-AIRe/MRT break_into_meta_steps.ipynb.
 * AUTO: a broader list for DeepSeek-R1 and distills, QwQ, Qwen3, gpt-oss and Sky-T1 traces,
 * matched case-insensitively after optional decoration (whitespace, BOM, markdown emphasis,
 * list bullets, block quotes, opening quotes/brackets): "**Wait**", "- Wait,", "> Hmm".
 */

export const MRT_MARKERS: readonly string[] = Object.freeze([
  'Wait',
  'But wait',
  'Alternatively',
  'Is there another way to think about this?',
  'But let me double-check',
  'But hold on',
]);

/**
 * Longer phrases come first so the reported opener is the most specific one
 * ("But wait" rather than nothing, "Wait a minute" rather than "Wait").
 */
export const AUTO_MARKERS: readonly string[] = Object.freeze([
  'Is there another way',
  'But let me double-check',
  'Let me double-check',
  'But let me verify',
  'Let me verify',
  'But let me check',
  'Let me check',
  'Let me reconsider',
  'Let me re-examine',
  'Let me think again',
  'Let me try again',
  'On second thought',
  'Another approach',
  'Another way',
  'But hold on',
  'Hold on',
  'Wait a minute',
  'Wait a second',
  'But wait',
  'Oh wait',
  'No wait',
  'Wait',
  'Alternatively',
  'Actually',
  'Hmm',
]);

/** Leading decoration tolerated before a marker in auto mode (at most this many characters). */
export const MAX_DECORATION = 16;
const DECORATION_CLASS = "[\\s\\uFEFF*_>#\\-+~`\"'\\u2022\\u201C\\u2018(\\[]";

export interface MarkerMatcher {
  /** How many leading characters of a paragraph decide the match; the rest is never read. */
  readonly headLength: number;
  /** The canonical marker that opens this paragraph head, or undefined. */
  match(head: string): string | undefined;
  /**
   * Early decision on a head shorter than headLength: `{ opener }` when no further text can
   * change the answer, null when more text is needed. Lets a boundary be reported as soon as
   * the marker is certain.
   */
  settle?(head: string): { opener: string | undefined } | null;
}

/**
 * Matchers are built once per marker list and shared: every trace (and every live run) makes
 * a segmenter, and compiling ~30 regexes each time cost more than segmenting a short trace.
 * Matchers hold no state, so sharing is safe.
 */
const MATCHER_CACHE_LIMIT = 64;
const matcherCache = new Map<string, MarkerMatcher>();

function cached(kind: string, markers: readonly string[], build: () => MarkerMatcher): MarkerMatcher {
  const key = `${kind}\u0000${markers.join('\u0000')}`;
  let m = matcherCache.get(key);
  if (m === undefined) {
    m = build();
    if (matcherCache.size >= MATCHER_CACHE_LIMIT) matcherCache.delete(matcherCache.keys().next().value as string);
    matcherCache.set(key, m);
  }
  return m;
}

/** MRT's rule: `paragraph.startsWith(marker)`, case-sensitive. */
export function exactMatcher(markers: readonly string[]): MarkerMatcher {
  return cached('exact', markers, () => buildExactMatcher(markers));
}

/** Tolerant matcher for auto mode (see module comment). */
export function tolerantMatcher(markers: readonly string[]): MarkerMatcher {
  return cached('tolerant', markers, () => buildTolerantMatcher(markers));
}

function buildExactMatcher(markers: readonly string[]): MarkerMatcher {
  const list = [...markers].sort((a, b) => b.length - a.length);
  const headLength = Math.max(1, ...list.map((m) => m.length));
  const match = (head: string) => list.find((m) => head.startsWith(m));
  // Undecided while a longer marker could still match the growing head, i.e. while the head
  // is a proper prefix of some marker.
  const properPrefixes = new Set<string>();
  for (const m of list) for (let k = 0; k < m.length; k++) properPrefixes.add(m.slice(0, k));
  return {
    headLength,
    match,
    settle(head) {
      return properPrefixes.has(head) ? null : { opener: match(head) };
    },
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Regex source for one marker: flexible whitespace, optional hyphen, "Hmm" with any number of m's. */
function markerSource(marker: string): string {
  return marker
    .trim()
    .split(/\s+/)
    .map((word) => {
      if (/^hm+$/i.test(word)) return 'hm+';
      return word.split('-').map(escapeRegExp).join('[-\\s]?');
    })
    .join('\\s+');
}

/**
 * Regex source matching every prefix of what markerSource(marker) matches (the empty one
 * included): each pattern atom (a character, `\s+`, `[-\s]?`, `m+`) either is complete and
 * followed by a prefix of the rest, or is the last thing seen; a prefix of `x+` is `x+` or ''.
 */
function markerPrefixSource(marker: string): string {
  const atoms: string[] = [];
  marker
    .trim()
    .split(/\s+/)
    .forEach((word, w) => {
      if (w > 0) atoms.push('\\s+');
      if (/^hm+$/i.test(word)) {
        atoms.push('h', 'm+');
        return;
      }
      word.split('-').forEach((part, k) => {
        if (k > 0) atoms.push('[-\\s]?');
        for (const ch of part) atoms.push(escapeRegExp(ch));
      });
    });
  return atoms.reduceRight((rest, atom) => `(?:${atom}${rest})?`, '');
}

function buildTolerantMatcher(markers: readonly string[]): MarkerMatcher {
  const list = [...markers].filter((m) => m.trim().length > 0);
  const perMarker = list.map((m) => ({ marker: m, re: new RegExp(`^${markerSource(m)}`, 'iu') }));
  // A marker must end at a word boundary: "Wait," yes, "Waiting" no. An ending "?" already is one.
  const alternatives = list.map(markerSource).join('|');
  const combined = new RegExp(`^${DECORATION_CLASS}{0,${MAX_DECORATION}}(?:${alternatives})(?![\\p{L}\\p{N}])`, 'iu');
  const decoration = new RegExp(`^${DECORATION_CLASS}{0,${MAX_DECORATION}}`, 'u');
  const longest = Math.max(1, ...list.map((m) => m.length));
  // Room for decoration, the marker with a few extra spaces, and the boundary character.
  const headLength = MAX_DECORATION + longest + 8;
  // A head that is decoration plus the start of some marker can still become (or stop being)
  // a match; any other head is decided by the markers that already end inside it.
  const undecided = new RegExp(`^${DECORATION_CLASS}{0,${MAX_DECORATION}}(?:${list.map(markerPrefixSource).join('|') || '(?:)'})$`, 'iu');
  const match = (head: string): string | undefined => {
    if (list.length === 0 || !combined.test(head)) return undefined;
    const rest = head.slice(decoration.exec(head)![0].length);
    let best: string | undefined;
    let bestLength = -1;
    for (const { marker, re } of perMarker) {
      const m = re.exec(rest);
      if (m && m[0].length > bestLength && !/[\p{L}\p{N}]/u.test(rest.charAt(m[0].length))) {
        best = marker;
        bestLength = m[0].length;
      }
    }
    return best;
  };
  return {
    headLength,
    match,
    settle(head) {
      return undecided.test(head) ? null : { opener: match(head) };
    },
  };
}
