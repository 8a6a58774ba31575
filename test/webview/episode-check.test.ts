import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Window } from 'happy-dom';
import { checkBadge, describeCheck } from '../../webview/trace/ui/episode-check';

// The DOM builder uses the global document, as in the webview.
const win = new Window();
(globalThis as unknown as { document: unknown }).document = win.document;

test('the card shows what the check did: changed from → to, confirmed, found no answer, stated', () => {
  const changed = checkBadge({ check: 'changed', answer: '8', standingAnswer: '6' })!;
  assert.equal(changed.textContent?.trim(), 'changed 6 → 8');
  assert.equal(changed.getAttribute('data-check'), 'changed');
  assert.ok(changed.classList.contains('rl-check-changed'));
  assert.match(changed.getAttribute('title') ?? '', /replaced the standing answer/);
  assert.equal(checkBadge({ check: 'confirmed', answer: '8', standingAnswer: '8' })!.textContent?.trim(), 'confirmed 8');
  assert.equal(checkBadge({ check: 'no-answer', standingAnswer: '8' })!.textContent?.trim(), 'found no answer (8 stands)');
  assert.equal(checkBadge({ check: 'stated', answer: '5' })!.textContent?.trim(), 'stated a first answer 5');
  assert.equal(checkBadge({}), null);
});

test('model text in answers stays text, and long answers are clipped on the card but whole in the title', () => {
  const hostile = '<img src=x onerror=alert(1)>';
  const badge = checkBadge({ check: 'changed', answer: hostile, standingAnswer: '<script>x</script>' })!;
  assert.equal(badge.querySelectorAll('img, script').length, 0);
  assert.ok(badge.textContent?.includes('<script>x</script> → <img'));
  const long = 'x'.repeat(100);
  const clipped = checkBadge({ check: 'confirmed', answer: long, standingAnswer: long })!;
  assert.ok((clipped.textContent ?? '').length < 60);
  assert.ok((clipped.getAttribute('title') ?? '').includes(long));
});

test('card text: confirmed, changed from → to, no answer, stated', () => {
  assert.equal(describeCheck('confirmed', '8', '8'), 'confirmed 8');
  assert.equal(describeCheck('changed', '8', '6'), 'changed 6 → 8');
  assert.equal(describeCheck('no-answer', undefined, '8'), 'found no answer (8 stands)');
  assert.equal(describeCheck('no-answer', undefined, undefined), 'found no answer');
  assert.equal(describeCheck('stated', '5', undefined), 'stated a first answer 5');
});

