/**
 * Counterfactual importance cost: rollouts spent by adaptive allocation (src/core/importance.ts
 * DEFAULT_ADAPTIVE_PLAN, top-k = 2) vs Thought Anchors' recipe (100 rollouts per prefix), on
 * the scripted model with known anchors (test/importance/fixture.ts: anchors at episodes 4 and 1,
 * a long decoy, seeded sampling noise), over several model seeds, on the fake Ollama server
 * through the real client. "equal" = the adaptive top-2 equals the fixed recipe's top-2 (and the
 * known anchors). Run: npm run bench -- importance
 */
import { OllamaBackend } from '../src/model/ollama';
import { ollamaEmbedder } from '../src/model/embed';
import { runImportance } from '../src/runs/importance';
import { DEFAULT_ADAPTIVE_PLAN } from '../src/core/importance';
import { CounterfactualModel } from '../test/fake-ollama/counterfactual-model';
import { FAKE_EMBEDDING_MODEL } from '../test/fake-ollama/embed';
import { DEFAULT_FAKE_MODELS, startFakeOllama } from '../test/fake-ollama/server';
import { ANCHOR_PROBLEM, ANCHORS_IN_ORDER, anchorTrace } from '../test/importance/fixture';

const SEEDS = [7, 11, 23, 42];
const TOP_K = 2;

async function main(): Promise<void> {
  const rows: string[][] = [['model seed', 'TA spent', 'TA top-2', 'adaptive spent', 'adaptive top-2', 'equal', 'saved']];
  let taTotal = 0;
  let adTotal = 0;
  for (const seed of SEEDS) {
    const fake = await startFakeOllama({ models: [...DEFAULT_FAKE_MODELS, FAKE_EMBEDDING_MODEL], counterfactual: new CounterfactualModel([ANCHOR_PROBLEM], seed) });
    try {
      const base = { backend: new OllamaBackend({ host: fake.url }), model: 'qwen3:8b', embed: ollamaEmbedder({ host: fake.url, model: 'all-minilm' }), embedModel: 'all-minilm', concurrency: 4, samples: 100 };
      const fixed = await runImportance(anchorTrace(), base);
      const adaptive = await runImportance(anchorTrace(), { ...base, adaptive: { ...DEFAULT_ADAPTIVE_PLAN, topK: TOP_K } });
      const a = fixed.ranking.slice(0, TOP_K);
      const b = adaptive.ranking.slice(0, TOP_K);
      const equal = a.join() === b.join() && a.join() === ANCHORS_IN_ORDER.join();
      taTotal += fixed.spent;
      adTotal += adaptive.spent;
      rows.push([String(seed), String(fixed.spent), a.join(', '), String(adaptive.spent), b.join(', '), equal ? 'yes' : 'NO', `${(100 * (1 - adaptive.spent / fixed.spent)).toFixed(0)}%`]);
    } finally {
      await fake.close();
    }
  }
  rows.push(['total', String(taTotal), '', String(adTotal), '', '', `${(100 * (1 - adTotal / taTotal)).toFixed(0)}%`]);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  console.log(`7 episodes; known anchors ${ANCHORS_IN_ORDER.join(', ')} (in order); TA recipe = 100 rollouts per prefix (8 prefixes incl. the whole thinking)`);
  console.log(`adaptive: rounds of ${DEFAULT_ADAPTIVE_PLAN.round}, min ${DEFAULT_ADAPTIVE_PLAN.minSamples}, cap 100, small < ${DEFAULT_ADAPTIVE_PLAN.small} nats, large > ${DEFAULT_ADAPTIVE_PLAN.large} nats, top-k ${TOP_K}`);
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
}

void main();
