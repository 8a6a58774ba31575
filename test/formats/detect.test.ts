import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { arrayElementLines, detectContainer, detectRecordFormat, looksBinary } from '../../src/formats/detect';

test('container from the file name first, then from the content', () => {
  assert.equal(detectContainer('a/b.jsonl', '[1]'), 'jsonl');
  assert.equal(detectContainer('x.trace.json', '{\n "version": 1\n}'), 'json');
  assert.equal(detectContainer('notes.txt', '{"a":1}'), 'text');
  assert.equal(detectContainer('-', '[{"a":1}]'), 'json');
  assert.equal(detectContainer('-', '{"a":1}\n{"a":2}\n'), 'jsonl');
  assert.equal(detectContainer('-', '{\n  "a": 1\n}\n'), 'json');
  assert.equal(detectContainer('-', '{"a": "a line longer than the peek'), 'jsonl');
  assert.equal(detectContainer('-', '<think>\nhmm</think> 4'), 'text');
});

test('record format: ours by name or version field, Thought Anchors, Qwen eval, else generic', () => {
  assert.equal(detectRecordFormat({ problem: 'p' }, 'out.trace.jsonl'), 'trace');
  assert.equal(detectRecordFormat({ version: 1 }, '-'), 'trace');
  assert.equal(detectRecordFormat({ prompt: 'p', solution: 's', full_cot: 'x' }, 'any.json'), 'thought-anchors-base');
  assert.equal(detectRecordFormat({}, 'dir/base_solution.json'), 'thought-anchors-base');
  assert.equal(detectRecordFormat({ seed: 0, solution: 's' }, 'x.json'), 'thought-anchors-solutions');
  assert.equal(detectRecordFormat({ question: 'q', code: ['c'] }, 'x.jsonl'), 'qwen-math-eval');
  assert.equal(detectRecordFormat({ question: 'q', response: 'r' }, 'x.jsonl'), 'generic');
});

test('binary detection: NUL bytes or mostly replacement characters', () => {
  assert.equal(looksBinary('{"a": 1}\n'), false);
  assert.equal(looksBinary('PK\u0003\u0004\u0000\u0000'), true);
  assert.equal(looksBinary('\ufffd\ufffd\ufffdab'), true);
  assert.equal(looksBinary(''), false);
  assert.equal(looksBinary('{"a": 1}\n\u0000\u0001 junk line'), false, 'a later junk line is that line\'s error');
});

test('arrayElementLines finds where each element of a pretty-printed array starts', () => {
  const text = '[\n  {"a": "x,[y]"},\n  {\n    "b": [1, 2]\n  },\n  3\n]';
  assert.deepEqual(arrayElementLines(text), [2, 3, 6]);
  assert.deepEqual(arrayElementLines('{"a": [1, 2]}'), []);
  assert.deepEqual(arrayElementLines('[]'), []);
});

test('property: arrayElementLines matches JSON.stringify layout for any JSON array', () => {
  fc.assert(
    fc.property(fc.array(fc.jsonValue(), { maxLength: 12 }), fc.integer({ min: 0, max: 4 }), (values, indent) => {
      const text = JSON.stringify(values, null, indent);
      const lines = arrayElementLines(text);
      assert.equal(lines.length, values.length);
      if (indent > 0) lines.forEach((line, i) => assert.equal(line, i === 0 ? 2 : lines[i - 1] + JSON.stringify(values[i - 1], null, indent).split('\n').length));
      else lines.forEach((line) => assert.equal(line, 1));
    }),
  );
});
