import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Window } from 'happy-dom';
import { requireData, sharedData } from '../support/shared-data';
import { allowedDeclarations, createMarkdownRenderer, createSanitizer } from '../../webview/trace/render/markdown';

const dataRoot = sharedData;
const win = new Window();
const sanitizer = createSanitizer(win as unknown as globalThis.Window & typeof globalThis);
const render = createMarkdownRenderer({ math: true });

function toDiv(markdown: string) {
  const div = win.document.createElement('div');
  div.appendChild(sanitizer.toFragment(render(markdown)) as never);
  return div;
}

test('math delimiters models use are rendered by KaTeX', () => {
  for (const src of ['$x^2$', '\\(x^2\\)', '\\[x^2\\]', '$$x^2$$', 'a\n\n$$\nx^2\n$$\n\nb', 'a\n\n\\[\n\\frac{1}{2}\n\\]']) {
    const div = toDiv(src);
    assert.ok(div.querySelector('.katex'), `no KaTeX for ${JSON.stringify(src)}`);
  }
});

test('a bare \\boxed{…} (how R1-style responses end) renders as math, nested braces included', () => {
  const div = toDiv('The sum is \\boxed{\\frac{1}{2}}. Done');
  assert.ok(div.querySelector('.katex'), div.innerHTML);
  assert.ok(!div.textContent!.includes('\\boxed'), 'no raw TeX source left visible');
  assert.match(div.textContent!, /Done\s*$/);
  assert.equal(toDiv('unbalanced \\boxed{42 and more').querySelector('.katex'), null);
  assert.match(toDiv('unbalanced \\boxed{42 and more').textContent!, /\\boxed\{42 and more/);
});

test('prices and unclosed delimiters stay text', () => {
  assert.equal(toDiv('it costs $3 and $4 total').querySelector('.katex'), null);
  assert.equal(toDiv('still streaming \\[ x + ').querySelector('.katex'), null);
  assert.equal(toDiv('$$\nx +\nand more').querySelector('.katex'), null);
});

test('raw HTML, scripts, images and javascript: links never survive', () => {
  const hostile = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '[click](javascript:alert(1))',
    '![pixel](https://tracker.example/p.png)',
    '<a href="https://x" onclick="alert(1)">x</a>',
    '$\\href{javascript:alert(1)}{x}$',
    '$\\htmlStyle{position:fixed;top:0}{x}$',
    '<style>body{display:none}</style>',
    '<iframe src="https://x"></iframe>',
  ].join('\n\n');
  const div = toDiv(hostile);
  assert.equal(div.querySelectorAll('script, img, iframe, style, [onerror], [onclick]').length, 0);
  for (const a of Array.from(div.querySelectorAll('a'))) assert.ok(!/^javascript:/i.test(a.getAttribute('href') ?? ''));
  for (const el of Array.from(div.querySelectorAll('[style]'))) assert.ok(!/position:\s*fixed/.test(el.getAttribute('style') ?? ''));
});

test('KaTeX inline styles are kept through CSSOM, never as parsed style attributes', () => {
  const html = render('$\\frac{a}{b} + \\sum_{k=1}^n k$');
  const parsedStyles = (html.match(/ style="/g) ?? []).length;
  assert.ok(parsedStyles > 5);
  const div = toDiv('$\\frac{a}{b} + \\sum_{k=1}^n k$');
  assert.equal(div.querySelectorAll('[style]').length, parsedStyles, 'every KaTeX style re-applied');
  assert.equal(div.querySelectorAll('[data-rl-style]').length, 0);
});

test('style filter keeps layout properties and drops anything that can overlay or fetch', () => {
  assert.deepEqual(allowedDeclarations('height:1em; vertical-align:-0.2em;position:relative;top:-2em'), [
    ['height', '1em'], ['vertical-align', '-0.2em'], ['position', 'relative'], ['top', '-2em'],
  ]);
  assert.deepEqual(allowedDeclarations('position:fixed;background:url(https://x);color:red;background-color:url(x);z-index:9'), [['color', 'red']]);
});

test('links get rel=noopener and show their target', () => {
  const a = toDiv('[docs](https://example.org/a)').querySelector('a')!;
  assert.equal(a.getAttribute('rel'), 'noopener noreferrer');
  assert.equal(a.getAttribute('title'), 'https://example.org/a');
});

test('never throws and never emits script for arbitrary text', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), fc.constantFrom('', '$', '$$', '\\(', '\\[', '<script>', '\n\n', '\\frac{', '}'), (text, glue) => {
      const div = toDiv(`${glue}${text}${glue}${text}`);
      assert.equal(div.querySelectorAll('script, img, iframe').length, 0);
    }),
    { numRuns: 300 },
  );
});

test('real traces: every Thought Anchors trace renders with math and no KaTeX errors', (t) => {
  const base = join(dataRoot, 'traces/thought-anchors.com');
  if (!requireData(t, 'traces', 'thought-anchors.com')) return;
  let traces = 0;
  let mathNodes = 0;
  let errors = 0;
  const dirs = (path: string) => readdirSync(path).filter((name) => statSync(join(path, name)).isDirectory());
  for (const model of dirs(base)) {
    for (const kind of dirs(join(base, model))) {
      for (const problem of dirs(join(base, model, kind))) {
        const solution = JSON.parse(readFileSync(join(base, model, kind, problem, 'base_solution.json'), 'utf8'));
        const html = render(solution.full_cot);
        traces++;
        mathNodes += (html.match(/class="katex"/g) ?? []).length;
        errors += (html.match(/katex-error|math-error/g) ?? []).length;
        // Sanitising through a DOM is slow under happy-dom: check one trace per model and outcome.
        if (problem === dirs(join(base, model, kind))[0]) {
          const div = toDiv(solution.full_cot);
          assert.equal(div.querySelectorAll('script, img').length, 0);
          assert.equal(div.querySelectorAll('.katex').length, (html.match(/class="katex"/g) ?? []).length);
        }
      }
    }
  }
  assert.equal(traces, 40);
  assert.ok(mathNodes > 1000, `only ${mathNodes} math nodes`);
  // KaTeX marks TeX it cannot parse; real model TeX is mostly valid.
  assert.ok(errors / mathNodes < 0.02, `${errors} of ${mathNodes} math nodes failed`);
});
