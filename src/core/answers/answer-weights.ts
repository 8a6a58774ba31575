/**
 * Weights of the intermediate-answer scorer (./answer-features), written by
 * scripts/answer-labels/fit-scorer.ts --write: logistic regression fitted on every candidate of the
 * labelled training sets (tuning, fresh, held-back: 724 episodes); the threshold is the one with
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
  'bias': -4.8284,
  'rule-pick': 4.9258,
  'rule-same-value': 2.0807,
  'rule-other-value': -0.3006,
  'position-in-episode': -0.4784,
  'last-candidate': 2.1196,
  'in-last-two-sentences': 0.191,
  'ends-paragraph': 0.0699,
  'last-in-sentence': 0.1217,
  'closes-sentence': -0.6779,
  'opener': 0.5214,
  'answer-word': 0.6348,
  'confirmed-near': 1.6526,
  'hedged': -1.7174,
  'rejected-after': -1.4112,
  'question': 0.2122,
  'problem-number': -2.099,
  'repeated-later': -0.4822,
  'occurrences': -0.3072,
  'after-equals': -0.8481,
  'after-working': 0.3263,
  'connector-before': 0.0625,
  'question-words': 0.6219,
  'head-noun': 0.5599,
  'counted-noun-after': 0.0628,
  'asked-symbol': 1.4106,
  'rate-after': -0.8478,
  'in-aside': -1.3318,
  'list-item': -1.0801,
  'not-whole-for-count': -1.2728,
  'tentative-start': -0.3598,
  'case-mark': -1.0654,
  'unit-kind-match': 0.7071,
  'long-tail': -0.8279,
  'boxed': 0.076,
  'number-word': -0.7462,
  'only-value-in-sentence': 1.1781,
  'last-closing': 0.2605,
  'last-put-forward': 1.2976,
};

export const ANSWER_WEIGHTS: AnswerModel = { weights: FEATURE_NAMES.map((n) => FITTED[n]), threshold: 0.4849, ruleThreshold: 0.35, kind: 'choice' };
