import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { OllamaBackend } from '../../src/model/ollama';
import { ollamaEmbedder } from '../../src/model/embed';
import { runImportance, type RecordedRollout } from '../../src/runs/importance';
import { CounterfactualModel } from '../fake-ollama/counterfactual-model';
import { FAKE_EMBEDDING_MODEL } from '../fake-ollama/embed';
import { DEFAULT_FAKE_MODELS, startFakeOllama, type FakeOllama } from '../fake-ollama/server';
import { ANCHOR_PROBLEM, ANCHORS_IN_ORDER, DECOY, anchorTrace } from './fixture';

const MODEL = 'qwen3:8b';
let fake: FakeOllama;
before(async () => {
  fake = await startFakeOllama({ models: [...DEFAULT_FAKE_MODELS, FAKE_EMBEDDING_MODEL], counterfactual: new CounterfactualModel([ANCHOR_PROBLEM], 7) });
});
after(() => fake.close());

const settings = () => ({
  backend: new OllamaBackend({ host: fake.url }),
  model: MODEL,
  embed: ollamaEmbedder({ host: fake.url, model: 'all-minilm' }),
  embedModel: 'all-minilm',
  concurrency: 4,
});

test("TA's fixed recipe (100 per prefix): the known anchors rank first, in order; the long decoy is near zero", async () => {
  const trace = anchorTrace();
  const r = await runImportance(trace, { ...settings(), samples: 100 });
  assert.equal(r.method, 'ta-counterfactual-kl', 'sentence episodes + all-minilm + 0.8 is TA recipe');
  assert.deepEqual(r.ranking.slice(0, 2), ANCHORS_IN_ORDER, JSON.stringify(r.episodes.map((e) => e.value.toFixed(3))));
  assert.ok(r.episodes[DECOY].value < 0.1, `decoy ${r.episodes[DECOY].value}`);
  assert.ok(r.episodes[DECOY].interval[1] < r.episodes[1].interval[0], 'the decoy interval lies below the weaker anchor');
  assert.equal(r.spent, 100 * 8);
  assert.equal(r.taRecipe, 700);
  for (const e of r.episodes) assert.ok(e.interval[0] <= e.value && e.value <= e.interval[1]);
});

test('adaptive allocation: same top ranking with fewer samples; every episode settled', async (t) => {
  const trace = anchorTrace();
  const r = await runImportance(trace, { ...settings(), samples: 100, adaptive: { round: 10, minSamples: 20, small: 0.1, large: 0.3, topK: 2 } });
  assert.deepEqual(r.ranking.slice(0, 2), ANCHORS_IN_ORDER);
  assert.ok(r.spent < 800, `spent ${r.spent}`);
  t.diagnostic(`adaptive spent ${r.spent} of 800: ${r.episodes.map((e) => `${e.value.toFixed(3)}/${e.samples}/${e.settled}`).join(' ')}`);
  assert.ok(r.episodes.every((e) => e.settled !== null), JSON.stringify(r.episodes.map((e) => e.settled)));
});

test('cancel then resume: the recorded rollouts are reused and the result equals an uninterrupted run', async () => {
  const trace = anchorTrace();
  const log: RecordedRollout[] = [];
  const controller = new AbortController();
  const first = await runImportance(trace, {
    ...settings(),
    samples: 30,
    signal: controller.signal,
    onRollout: (x) => {
      log.push(x);
      if (log.length === 50) controller.abort();
    },
  });
  assert.equal(first.cancelled, true);
  const resumed: RecordedRollout[] = [];
  const second = await runImportance(trace, { ...settings(), samples: 30, done: log, onRollout: (x) => resumed.push(x) });
  assert.equal(second.cancelled, false);
  assert.ok(resumed.length <= 8 * 30 - 40, `only missing rollouts were redone (${resumed.length})`);
  const whole = await runImportance(trace, { ...settings(), samples: 30 });
  assert.deepEqual(second.episodes.map((e) => e.value), whole.episodes.map((e) => e.value));
});

test('hand-computed case: a deterministic two-episode problem', async () => {
  // Episode 0 is never written again and flips the answer; episode 1 is always written again.
  const problem = { ...ANCHOR_PROBLEM, match: 'Hand case: what is two plus two?', episodes: ['Two plus two is four by counting.', 'So the answer is four.'], correctAnswer: '4', wrongAnswers: ['5'], baseAccuracy: 0, effects: { 0: 1 }, regenerate: { 0: 0, 1: 1 } };
  const local = await startFakeOllama({ models: [...DEFAULT_FAKE_MODELS, FAKE_EMBEDDING_MODEL], counterfactual: new CounterfactualModel([problem], 1) });
  try {
    const trace = anchorTrace(problem);
    const r = await runImportance(trace, { ...settings(), backend: new OllamaBackend({ host: local.url }), embed: ollamaEmbedder({ host: local.url, model: 'all-minilm' }), samples: 4 });
    // Episode 0: all 4 rollouts without it are dissimilar and answer 5; with it (prefix 1, 4 rollouts)
    // and its similar ones (none) all answer 4. TA's KL with alpha 1e-9 over answers {4, 5}:
    // P = (1e-9, 4 + 1e-9) / (4 + 2e-9), Q = (4 + 1e-9, 1e-9) / (4 + 2e-9)
    // KL = P5 ln(P5/Q5) + P4 ln(P4/Q4) = ln((4 + 1e-9) / 1e-9) - 2.5e-10 ln(...)·2 ≈ 22.10956...
    const p5 = (4 + 1e-9) / (4 + 2e-9);
    const p4 = 1e-9 / (4 + 2e-9);
    const expected = p5 * Math.log(p5 / p4) + p4 * Math.log(p4 / p5);
    assert.ok(Math.abs(expected - 22.1095) < 1e-3, String(expected));
    assert.ok(Math.abs(r.episodes[0].value - expected) < 1e-9, String(r.episodes[0].value));
    // Episode 1: every resample writes it again (cosine 1 >= 0.8): no dissimilar rollout, TA returns 0.
    assert.equal(r.episodes[1].value, 0);
    assert.equal(r.episodes[1].similar, 4);
  } finally {
    await local.close();
  }
});
