import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BudgetController,
  PolicyError,
  answersStable,
  checkThinkSetting,
  containsHedge,
  resolvePolicy,
  tallyVotes,
  voteStatus,
  type ProbeSummary,
} from '../../src/core/budget';

test('resolvePolicy fills defaults and names the bad field', () => {
  const p = resolvePolicy({ minThinkingTokens: 100, earlyStop: true, vote: { n: 5, m: 3 } });
  assert.equal(p.extensions, 4);
  assert.equal(p.extensionText, 'Wait');
  assert.deepEqual(p.earlyStop, { mode: 'episode', window: 3, plateau: 0.05 });
  assert.deepEqual(resolvePolicy({ earlyStop: { plateau: 0.1 } }).earlyStop, { mode: 'episode', window: 3, plateau: 0.1 }, 'an empty window is the default, the plateau is kept');
  assert.equal(resolvePolicy({ minThinkingTokens: 0 }).minThinkingTokens, 0);
  assert.deepEqual(resolvePolicy({ earlyStop: { window: 1 } }).earlyStop, { mode: 'episode', window: 1, plateau: 0.05 });
  assert.deepEqual(p.vote, { n: 5, m: 3, adaptive: false });
  assert.equal(resolvePolicy({}).extensions, 0);
  assert.throws(() => resolvePolicy({ maxThinkingTokens: -1 }), (e: unknown) => e instanceof PolicyError && /budget\.maxThinkingTokens/.test(e.message));
  assert.throws(() => resolvePolicy({ minThinkingTokens: 50, maxThinkingTokens: 10 }), /minThinkingTokens: 50 is above/);
  assert.throws(() => resolvePolicy({ vote: { n: 2, m: 3 } }), /budget\.vote\.m/);
  assert.throws(() => resolvePolicy({ extensionText: ' ' }), /extensionText/);
  assert.throws(() => resolvePolicy({ think: 'max' as never }), /budget\.think/);
  assert.throws(() => resolvePolicy({ maxEpisodes: 1.5 }), /maxEpisodes/);
  assert.throws(() => resolvePolicy({ earlyStop: { window: 3, plateau: 2 } }), /budget\.earlyStop\.plateau: expected a number from 0 to 1/);
  // Every bad field at once, each under its dotted path.
  assert.throws(
    () => resolvePolicy({ maxThinkingTokens: 0, earlyStop: { window: 0 }, think: 'max' as never }),
    (e: unknown) => e instanceof PolicyError && e.errors.map((x) => x.field).join() === 'maxThinkingTokens,earlyStop.window,think',
  );
});

test('think settings are checked against the model', () => {
  const r1 = { name: 'r1', supportsThinking: true, thinkLevels: [] as string[] };
  const oss = { name: 'oss', supportsThinking: true, thinkLevels: ['low', 'medium', 'high'] };
  const plain = { name: 'plain', supportsThinking: false, thinkLevels: [] as string[] };
  const ok = checkThinkSetting(true, r1);
  assert.ok(ok.ok && ok.decision.kind === 'think-level' && ok.decision.detail === 'think=true');
  assert.ok(checkThinkSetting('high', oss).ok);
  const bad = checkThinkSetting('high', r1);
  assert.ok(!bad.ok && /does not accept think level "high": it only accepts true\/false/.test(bad.message));
  const none = checkThinkSetting(true, plain);
  assert.ok(!none.ok && /"plain" does not support thinking/.test(none.message));
  assert.ok(checkThinkSetting(false, plain).ok);
});

test('max thinking forces the answer once, at the threshold', () => {
  const c = new BudgetController(resolvePolicy({ maxThinkingTokens: 100 }));
  assert.equal(c.afterThinking(99, 0).kind, 'continue');
  const a = c.afterThinking(100, 1);
  assert.equal(a.kind, 'force-answer');
  assert.ok(a.kind === 'force-answer' && a.decision.kind === 'forced-stop' && a.decision.atTokens === 100 && a.decision.atEpisode === 1);
  assert.equal(c.afterThinking(150).kind, 'continue');
  assert.equal(c.decisions.length, 1);
  assert.ok(c.hasStopped);
});

test('max episodes stops after N closed episodes', () => {
  const c = new BudgetController(resolvePolicy({ maxEpisodes: 2 }));
  assert.equal(c.afterEpisodeClosed(1, 10).kind, 'continue');
  const a = c.afterEpisodeClosed(2, 25);
  assert.ok(a.kind === 'force-answer' && a.decision.kind === 'max-episodes' && a.decision.atEpisode === 1);
});

test('extensions: at most N, only below the minimum, never past the maximum', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 12 }), (extensions, ends) => {
      const c = new BudgetController(resolvePolicy({ extensions, extensionText: 'Hmm' }));
      let extended = 0;
      for (let i = 0; i < ends; i++) {
        const a = c.onThinkingEnded(10 * i);
        if (a.kind === 'extend') {
          extended++;
          assert.equal(a.text, 'Hmm');
          assert.equal(a.decision.kind, 'extension');
        }
      }
      assert.equal(extended, Math.min(extensions, ends));
    }),
  );
  const min = new BudgetController(resolvePolicy({ minThinkingTokens: 50, extensions: 5 }));
  assert.equal(min.onThinkingEnded(20).kind, 'extend');
  assert.equal(min.onThinkingEnded(60).kind, 'continue');
  assert.equal(min.extensionsDone, 1);
  const capped = new BudgetController(resolvePolicy({ minThinkingTokens: 50, maxThinkingTokens: 50, extensions: 5 }));
  assert.equal(capped.onThinkingEnded(50).kind, 'continue');
});

test('hedging words are matched as words', () => {
  assert.equal(containsHedge('42} Wait, maybe'), 'wait');
  assert.equal(containsHedge('\\text{None}'), null);
  assert.equal(containsHedge('42'), null);
  assert.equal(containsHedge('no'), 'no');
});

const s = (episodeIndex: number, key: string | null, text = key ?? '', mu?: number): ProbeSummary => ({ episodeIndex, key, text, mu });

test('early stop: the last window of probe answers agree without hedging', () => {
  assert.equal(answersStable([s(0, '1'), s(1, '2'), s(2, '2'), s(3, '2')], 3), true);
  assert.equal(answersStable([s(0, '2'), s(1, '2')], 3), false);
  assert.equal(answersStable([s(0, '2'), s(1, '2', '2} hmm'), s(2, '2')], 3), false);
  assert.equal(answersStable([s(0, null), s(1, null), s(2, null)], 3), false);
  const c = new BudgetController(resolvePolicy({ earlyStop: { window: 2 } }));
  assert.equal(c.afterProbe([s(0, '1')], 10).kind, 'continue');
  const a = c.afterProbe([s(0, '1'), s(1, '1')], 20);
  assert.ok(a.kind === 'force-answer' && a.decision.kind === 'early-stop' && a.decision.data?.reason === 'stable');
});

test('early stop on a plateau: mu rose by less than delta over the window', () => {
  // Answers differ every episode, so only the plateau can stop.
  const c = new BudgetController(resolvePolicy({ earlyStop: { window: 2, plateau: 0.05 } }));
  const mus = [0.25, 0.5, 0.75, 0.78, 0.79];
  const upTo = (n: number) => mus.slice(0, n).map((mu, i) => s(i, String(i), String(i), mu));
  assert.equal(c.afterProbe(upTo(2), 10).kind, 'continue', 'needs window + 1 values of mu');
  assert.equal(c.afterProbe(upTo(3), 20).kind, 'continue', '0.25 → 0.75: rising');
  assert.equal(c.afterProbe(upTo(4), 30).kind, 'continue', '0.5 → 0.78: rising');
  const a = c.afterProbe(upTo(5), 40);
  assert.ok(a.kind === 'force-answer' && a.decision.kind === 'early-stop', JSON.stringify(a));
  assert.equal(a.decision.atEpisode, 4);
  assert.deepEqual(a.decision.data, { mode: 'episode', reason: 'plateau', window: 2, plateau: 0.05, mu: 0.79, muBefore: 0.75 });
  assert.match(a.decision.detail, /mu rose by 0\.04 \(0\.75 → 0\.79\) over 2 episodes, less than the plateau 0\.05/);
  // mu stuck at 0 is "not found yet", not a plateau.
  const zero = new BudgetController(resolvePolicy({ earlyStop: { window: 1, plateau: 0.05 } }));
  // (hedged answers, so window 1's "first confident answer" rule does not fire either)
  assert.equal(zero.afterProbe([s(0, '1', 'wait, 1', 0), s(1, '2', 'hmm 2', 0), s(2, '3', 'but 3', 0)], 10).kind, 'continue');
});

test('vote tally groups equivalent answers and never loses a vote', () => {
  const same = (a: string, b: string) => a.replace(/\s/g, '') === b.replace(/\s/g, '');
  fc.assert(
    fc.property(fc.array(fc.option(fc.constantFrom('1', ' 1', '2', '3 '), { nil: null }), { maxLength: 12 }), (answers) => {
      const t = tallyVotes(answers, same);
      const counted = t.groups.reduce((n, g) => n + g.count, 0) + t.abstained.length;
      assert.equal(counted, answers.length);
      for (const g of t.groups) assert.ok(t.leader && t.leader.count >= g.count);
      assert.ok(t.groups.length <= 3);
    }),
  );
  const t = tallyVotes(['2', '1', '1', '2'], same);
  assert.equal(t.leader?.answer, '1', 'tie goes to the answer that reached its count first');
});

test('vote status: agreed at m, exhausted at n or when m is out of reach', () => {
  const same = (a: string, b: string) => a === b;
  assert.equal(voteStatus(tallyVotes(['1', '1'], same), 2, { n: 5, m: 2 }), 'agreed');
  assert.equal(voteStatus(tallyVotes(['1', '2'], same), 2, { n: 5, m: 3 }), 'continue');
  assert.equal(voteStatus(tallyVotes(['1', '2', '3', '4'], same), 4, { n: 5, m: 3 }), 'exhausted');
  assert.equal(voteStatus(tallyVotes(['1', '2', '3'], same), 3, { n: 3, m: 2 }), 'exhausted');
  assert.equal(voteStatus(tallyVotes([null], same), 1, { n: 1, m: 1 }), 'exhausted');
});
