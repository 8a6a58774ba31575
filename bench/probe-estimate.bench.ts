/**
 * Probe sampling plans on the fake probe model (test/support/probe-simulation.ts: answers drawn
 * with seeded randomness, read through the real `mrt` probe text and MRT's box extraction):
 * fixed K = 8 (MRT's), fixed K = 16, and the adaptive Beta-posterior width rule
 * (src/core/probe-estimate.ts DEFAULT_ADAPTIVE_RULE). Per true p: requests per prefix, bias of
 * mu = correct / samples, coverage and mean width of the 95% Clopper-Pearson interval over
 * 4,000 simulated prefixes, and the exact bias and coverage from the plan's stopping distribution
 * (every path of correct/incorrect probes, weighted by its probability). Run: npm run bench -- probe
 */
import {
  DEFAULT_ADAPTIVE_RULE,
  proportionInterval,
  samplingDone,
  type SamplingPlan,
} from '../src/core/probe-estimate';
import { seededRandom } from '../test/support/prng';
import { TRUE_P_GRID, simulateCell } from '../test/support/probe-simulation';

const PREFIXES = 4000;

const PLANS: [string, SamplingPlan][] = [
  ['fixed K=8', { kind: 'fixed', k: 8 }],
  ['fixed K=16', { kind: 'fixed', k: 16 }],
  [
    `adaptive (Beta width <= ${DEFAULT_ADAPTIVE_RULE.maxWidth}, ${DEFAULT_ADAPTIVE_RULE.minSamples}..${DEFAULT_ADAPTIVE_RULE.maxSamples})`,
    { kind: 'adaptive', ...DEFAULT_ADAPTIVE_RULE },
  ],
];

/** Exact expected requests, bias and coverage: walk every (n, correct) state until the plan stops. */
function exact(plan: SamplingPlan, p: number): { requests: number; bias: number; coverage: number } {
  let states = new Map<number, number>([[0, 1]]); // correct -> probability, at n samples
  let requests = 0;
  let mean = 0;
  let coverage = 0;
  for (let n = 0; states.size > 0; n++) {
    const next = new Map<number, number>();
    for (const [c, prob] of states) {
      if (samplingDone(plan, c, n) !== null) {
        requests += prob * n;
        mean += (prob * c) / n;
        const iv = proportionInterval(c, n);
        if (iv.low <= p && p <= iv.high) coverage += prob;
        continue;
      }
      if (p > 0) next.set(c + 1, (next.get(c + 1) ?? 0) + prob * p);
      if (p < 1) next.set(c, (next.get(c) ?? 0) + prob * (1 - p));
    }
    states = next;
  }
  return { requests, bias: mean - p, coverage };
}

const sign = (v: number): string => (Math.abs(v) < 5e-5 ? '+0.0000' : `${v > 0 ? '+' : ''}${v.toFixed(4)}`);

for (const [name, plan] of PLANS) {
  console.log(`\n${name}: ${PREFIXES} simulated prefixes per p (exact values in brackets)`);
  console.log('   p    requests/prefix        bias                coverage          width');
  for (const p of TRUE_P_GRID) {
    const sim = simulateCell(seededRandom(20261201, 'bench', name, p), p, plan, PREFIXES);
    const ex = exact(plan, p);
    console.log(
      `  ${p.toFixed(2)}  ${sim.meanRequests.toFixed(2).padStart(6)} [${ex.requests.toFixed(2).padStart(5)}]   ${sign(sim.bias)} [${sign(ex.bias)}]   ${sim.coverage.toFixed(4)} [${ex.coverage.toFixed(4)}]   ${sim.meanWidth.toFixed(3)}`,
    );
  }
}
