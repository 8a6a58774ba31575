/** Answer extraction and math-aware equivalence (pure core; see docs/answers.md). */
export { lastBoxed, extractFinalAnswer, extractIntermediateAnswer, findIntermediateAnswer, extractGoldAnswer, readForcedAnswer, readToUnbalancedBrace, cleanAnswerText } from './extract';
export type { AnswerContext, ExtractedAnswer, ExtractionRule, IntermediateAnswer, IntermediateHow } from './extract';
export { checkEquivalence, answerKey, RELATIVE_TOLERANCE } from './equivalence';
export type { EquivalenceOptions, EquivalenceVerdict } from './equivalence';
export { normalizeAnswer } from './normalize';
export { MAX_ANSWER_CHARS, MAX_ANSWER_NESTING, answerLimitProblem } from './limits';
export { parseChoices } from './choices';
export { learnAnswerNames, MAX_ANSWER_NAMES } from './answer-names';
