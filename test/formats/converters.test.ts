import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromGeneric } from '../../src/formats/generic';
import { fromQwenMathEval } from '../../src/formats/qwen-math-eval';
import { fromPlainText } from '../../src/formats/text';
import { fromBaseSolution, fromSolutionsEntry, modelFromPath, parseSiblingProblem, problemFromPrompt } from '../../src/formats/thought-anchors';
import { fromOurTrace } from '../../src/formats/trace-format';
import { DEFAULT_FIELD_NAMES, RecordError } from '../../src/formats/types';
import { splitThinking } from '../../src/core/thinking';
import { sharedData, skipWithoutData } from './helpers';

const loc = { path: 'in.jsonl', line: 7 };

function fieldErrors(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof RecordError, `expected RecordError, got ${String(err)}`);
    return err.errors.map((e) => `${e.field}: ${e.message}`);
  }
  assert.fail('expected a RecordError');
}

test('generic: default field names, numeric gold, unknown fields kept in source.extra', () => {
  const [{ input }] = fromGeneric({ id: 5, question: 'Q?', answer: 27.5, completion: '<think>a</think> b', level: 3 }, loc, DEFAULT_FIELD_NAMES);
  assert.equal(input.id, '5');
  assert.equal(input.problem, 'Q?');
  assert.equal(input.gold, '27.5');
  assert.equal(input.raw, '<think>a</think> b');
  assert.deepEqual(input.source, { kind: 'import:jsonl', path: 'in.jsonl', line: 7, extra: { level: 3 } });
});

test('generic: configurable names, separate thinking/response, and errors that name the field', () => {
  const names = { problem: ['task'], gold: ['ref'], output: ['gen'] };
  assert.equal(fromGeneric({ task: 'T', ref: '1', gen: 'x' }, loc, names)[0].input.raw, 'x');
  const split = fromGeneric({ problem: 'P', thinking: 'th', response: 'r', truncated: true }, loc, DEFAULT_FIELD_NAMES)[0].input;
  assert.deepEqual([split.thinking, split.response, split.truncated, split.raw], ['th', 'r', true, undefined]);
  assert.match(fieldErrors(() => fromGeneric({ problem: 'P' }, loc, DEFAULT_FIELD_NAMES))[0], /^output\|response\|completion\|generation\|solution: is required/);
  assert.match(fieldErrors(() => fromGeneric({ output: 'x' }, loc, DEFAULT_FIELD_NAMES))[0], /^problem\|question\|prompt: is required/);
  assert.match(fieldErrors(() => fromGeneric({ problem: 3, output: 'x' }, loc, DEFAULT_FIELD_NAMES))[0], /^problem: must be a string, got number/);
  assert.match(fieldErrors(() => fromGeneric({ problem: 'p', output: { a: 1 } }, loc, DEFAULT_FIELD_NAMES))[0], /^output: must be a string/);
  assert.match(fieldErrors(() => fromGeneric([1], loc, DEFAULT_FIELD_NAMES))[0], /^\(record\): must be a JSON object/);
});

test('qwen eval: one trace per generation, pred/score of that sample kept', () => {
  const records = fromQwenMathEval({ idx: 3, question: 'Q', gt: '7', code: ['g0', 'g1'], pred: ['7', '8'], score: [true, false] }, loc);
  assert.equal(records.length, 2);
  assert.deepEqual(records[1].input.source.extra, { idx: 3, gt: '7', pred: '8', score: false, sample: 1 });
  assert.equal(records[1].input.raw, 'g1');
  assert.match(fieldErrors(() => fromQwenMathEval({ question: 'Q', code: [] }, loc))[0], /^code: has no generation/);
  assert.match(fieldErrors(() => fromQwenMathEval({ question: 'Q', code: [1] }, loc))[0], /^code\[0\]: must be a string/);
});

test('plain text: problem before <think>, optional Gold line', () => {
  const [{ input }] = fromPlainText('\ufeffWhat is 2+2?\nGold: 4\n<think>\n2+2=4</think>\nIt is \\boxed{4}.', 'a.txt');
  assert.equal(input.problem, 'What is 2+2?');
  assert.equal(input.gold, '4');
  assert.ok(input.raw?.startsWith('What is 2+2?'));
  assert.equal(fromPlainText('<think>x</think>y', 'b.txt')[0].input.problem, '');
});

test('our format: validated on read, errors name the field', () => {
  assert.match(fieldErrors(() => fromOurTrace({ version: 1, id: 'x' }))[0], /^problem: is required/);
});

test('Thought Anchors helpers: problem from the prompt, model from the path', () => {
  assert.equal(problemFromPrompt('Solve this math problem step by step. Problem: What is 1+1? Solution: \n<think>\n'), 'What is 1+1?');
  assert.equal(modelFromPath('d/deepseek-r1-distill-llama-8b/correct_base_solution/problem_330/base_solution.json'), 'deepseek-r1-distill-llama-8b');
  assert.equal(modelFromPath('base_solution.json'), null);
});

test('real Thought Anchors base solution: thinking is the solution up to </think>, gold from problem.json', { skip: skipWithoutData() }, () => {
  const dir = join(sharedData, 'traces/thought-anchors.com/deepseek-r1-distill-llama-8b/correct_base_solution/problem_1591');
  const base = JSON.parse(readFileSync(join(dir, 'base_solution.json'), 'utf8'));
  const problem = JSON.parse(readFileSync(join(dir, 'problem.json'), 'utf8'));
  const [{ input }] = fromBaseSolution(base, { path: join(dir, 'base_solution.json'), line: 1 }, parseSiblingProblem(problem));
  assert.equal(input.problem, problem.problem);
  assert.equal(input.gold, '6.17');
  assert.equal(input.model, 'deepseek-r1-distill-llama-8b');
  const split = splitThinking(input.raw ?? '');
  // The prompt ends with "<think>\n": the newline is thinking text.
  assert.ok(split.thinking === `\n${base.solution.split('</think>')[0]}`, 'thinking is the solution up to </think>');
  assert.equal(split.truncated, false);
  assert.match(split.response, /\\boxed\{6\.17\}/);
  assert.equal((input.source.extra as Record<string, unknown>).is_correct, true);
});

test('real Thought Anchors solutions.json entry: prompt kept in extra, problem from problem.json', { skip: skipWithoutData() }, () => {
  const dir = join(sharedData, 'traces/thought-anchors-cots-math/problem_53');
  const [entry] = JSON.parse(readFileSync(join(dir, 'solutions.json'), 'utf8'));
  const sibling = parseSiblingProblem(JSON.parse(readFileSync(join(dir, 'problem.json'), 'utf8')));
  const [{ input }] = fromSolutionsEntry(entry, { path: 'solutions.json', line: 2, index: 0 }, sibling);
  assert.equal(input.gold, '66');
  assert.match(input.problem, /m\+\\frac\{1\}\{m\}=8/);
  assert.match(String((input.source.extra as Record<string, unknown>).prompt), /^Solve this math problem/);
  assert.ok(!splitThinking(input.raw ?? '').thinking.includes('Solve this math problem'));
});

test('real Sky-T1 record: question, gt and the generation', { skip: skipWithoutData() }, () => {
  const line = readFileSync(join(sharedData, 'traces/skythought/Sky-T1-math-correct-5K-14B__aime24.jsonl'), 'utf8').split('\n')[0];
  const [{ input }] = fromQwenMathEval(JSON.parse(line), loc);
  assert.equal(input.gold, '204');
  assert.equal(input.source.kind, 'import:qwen-math-eval');
  const split = splitThinking(input.raw ?? '');
  assert.equal(split.format, 'sky-t1');
  assert.match(split.response, /\\boxed\{204\}/);
});
