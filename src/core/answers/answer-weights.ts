/**
 * Weights of the intermediate-answer scorer (./answer-features), written by
 * scripts/answer-labels/fit-scorer.ts --write: logistic regression fitted on every candidate of the
 * labelled training sets (tuning, fresh, held-back, round4: 834 episodes); the threshold is the one with
 * the most recall at 95% precision on 5-fold out-of-fold picks (grouped by trace/problem). Data only.
 */
import type { FeatureName } from './answer-features';
import { FEATURE_NAMES } from './answer-features';

export interface AnswerModel {
  /** One weight per FEATURE_NAMES entry. */
  weights: readonly number[];
  /** A best candidate below this probability is no answer. */
  threshold: number;
  /** The threshold when the best candidate is the rule reader's pick (the high-precision path). */
  ruleThreshold: number;
  /** 'choice': softmax over the episode's candidates and no answer; 'logistic': each candidate alone. */
  kind: 'choice' | 'logistic';
}

const FITTED: Record<FeatureName, number> = {
  'bias': -4.2142,
  'rule-pick': 4.6617,
  'rule-same-value': 2.0247,
  'rule-other-value': 0.3718,
  'position-in-episode': -0.4525,
  'last-candidate': 2.0246,
  'in-last-two-sentences': 0.2145,
  'ends-paragraph': -0.2487,
  'last-in-sentence': 0.0771,
  'closes-sentence': -0.6076,
  'opener': 0.2481,
  'answer-word': 0.8937,
  'confirmed-near': 1.3224,
  'hedged': -1.6314,
  'rejected-after': -1.1218,
  'question': 0.1013,
  'problem-number': -1.5351,
  'repeated-later': -0.6206,
  'occurrences': -1.0254,
  'after-equals': 0.0036,
  'after-working': 0.2068,
  'connector-before': -0.1588,
  'question-words': 0.9625,
  'head-noun': 0.5294,
  'counted-noun-after': -0.5082,
  'asked-symbol': 1.068,
  'rate-after': -1.1192,
  'in-aside': -1.0403,
  'list-item': -0.3243,
  'not-whole-for-count': -0.4253,
  'tentative-start': -0.258,
  'case-mark': -0.9488,
  'unit-kind-match': 0.2478,
  'long-tail': -1.1359,
  'boxed': 0.0583,
  'number-word': -0.4528,
  'only-value-in-sentence': 0.7591,
  'last-closing': 0.2214,
  'last-put-forward': 1.1469,
  'rounded-after': -0.5803,
  'rounded-value': 0.1293,
  'open-alternative': -0.8074,
  'result-verb': 0.8896,
  'last-result': -0.8415,
  'last-own-value': 0.8454,
  'plain-claim': 0.2433,
  'open-rival': -0.6572,
  'ends-with-question': -0.4858,
  'ends-open': -1.0525,
  'restated-result': 1.7669,
  'hypothesis-before': -1.5115,
  'rounded-as-asked': 0.3935,
  'unrounded-as-asked': -0.4743,
};

export const ANSWER_WEIGHTS: AnswerModel = { weights: FEATURE_NAMES.map((n) => FITTED[n]), threshold: 0.6075, ruleThreshold: 0.6075, kind: 'choice' };
