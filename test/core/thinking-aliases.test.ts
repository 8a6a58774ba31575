import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitThinking, THINKING_TAG_NAMES } from '../../src/core/thinking';
import { holdsReasoningMarkup } from '../../src/formats/markup';

test('every thinking-tag alias splits like <think>', () => {
  for (const tag of THINKING_TAG_NAMES) {
    const r = splitThinking(`Q?\n<${tag}>\nx = 2</${tag}>\n\nThe answer is 2.`);
    assert.deepEqual(r, { thinking: '\nx = 2', response: 'The answer is 2.', truncated: false, format: 'think-tags' }, tag);
    assert.equal(holdsReasoningMarkup(`<${tag}>a</${tag}>b`), true, tag);
  }
});

test('an alias closes only with its own tag; close-only and truncated work for aliases', () => {
  assert.equal(splitThinking('<reasoning>a </think> b</reasoning>c').thinking, 'a </think> b');
  assert.deepEqual(splitThinking('thinking here</thought> 7'), { thinking: 'thinking here', response: '7', truncated: false, format: 'think-close-only' });
  assert.deepEqual(splitThinking('<thinking>cut off'), { thinking: 'cut off', response: '', truncated: true, format: 'think-tags' });
  assert.equal(splitThinking('<|begin_of_thought|>t<|end_of_thought|><|begin_of_solution|>s<|end_of_solution|>').format, 'sky-t1');
  assert.equal(splitThinking('<thinker>no</thinker>').format, 'plain', 'only the listed names are tags');
});

test('a plain text file with an alias tag: the text before it is the problem', async () => {
  const { fromPlainText } = await import('../../src/formats/text');
  const [{ input }] = fromPlainText('What is 1+1?\nGold: 2\n<thinking>1+1 = 2</thinking>\n2', 'a.txt');
  assert.deepEqual([input.problem, input.gold], ['What is 1+1?', '2']);
  assert.deepEqual(splitThinking(input.raw ?? '').thinking, '1+1 = 2');
});
