import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Window } from 'happy-dom';
import { answerNode, looksLikeMath } from '../../webview/trace/render/answer-math';

const win = new Window();
const doc = win.document as unknown as Document;

test('a TeX final answer is typeset, not shown as source: -10,\\!000 and \\frac{1}{2}', () => {
  for (const answer of ['-10,\\!000', '\\frac{1}{2}', '$\\sqrt{3}$', '(3, -1)', 'x^2+1', '\\text{(C)}']) {
    const node = answerNode(answer, doc);
    assert.equal(node.className, 'rl-answer-math', answer);
    assert.ok(node.querySelector('.katex'), `KaTeX for ${answer}`);
    const visible = node.querySelector('.katex-html')?.textContent ?? '';
    assert.ok(!visible.includes('\\'), `no TeX source visible for ${answer}: ${visible}`);
    assert.equal(node.getAttribute('title'), answer, 'the source stays in the title');
  }
  assert.equal(answerNode('-10,\\!000', doc).querySelector('.katex-html')?.textContent?.replace(/\s/g, ''), '−10,000');
});

test('prose and unparseable answers stay text; hostile text never becomes markup', () => {
  assert.equal(looksLikeMath('160 minutes'), false);
  assert.equal(looksLikeMath('\\text{Evelyn}'), true, 'a \\text group is math');
  for (const answer of ['160 minutes', 'The answer is 5', '\\frac{1}{', '<img src=x onerror=alert(1)>']) {
    const node = answerNode(answer, doc);
    assert.equal(node.tagName, 'CODE', answer);
    assert.equal(node.textContent, answer);
  }
  const hostile = answerNode('\\href{javascript:alert(1)}{x}', doc);
  assert.equal(hostile.querySelectorAll('a[href^="javascript"], script').length, 0);
});
