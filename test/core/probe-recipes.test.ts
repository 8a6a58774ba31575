import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROBE_RECIPES,
  QUICK_ANSWER_HEADER,
  QUICK_QWEN3_STOP_SENTENCE,
  QUICK_STOP_SENTENCE,
  assistantTurnText,
  mrtBoxedAnswer,
  probeAnswer,
  probeRecipe,
  probeScoringText,
  probeTurn,
  probeTurns,
  type ProbeSubject,
} from '../../src/core/probe-recipes';
import { segmentThinking } from '../../src/core/segment';
import { BOXED_ANSWER_PREFIX, MRT_FORCED_STOP, QWEN3_FORCED_STOP, renderForcedAnswerPrompt, renderThinkingPrefix } from '../../src/model/templates';

/*
 * Expected strings are written out by hand from CMU-AIRe/MRT @ 1815a8c,
 * analysis/code/pass_at_k_given_prefix.py:
 *   lines 27-34  apply_stop_template appends the triple-quoted text
 *                'Time is up.' NL NL 'Given the time ... already have.' NL '</think>' NL NL
 *                '**Step-by-Step Explanation and Answer:**' NL NL '1. **'
 *   lines 15-16  apply_template appends NL '</think>'
 *   line 74      prefix 0: apply_stop_template(tokenizer, problem, "")
 *   line 76      prefix i+1: "\n\n".join(prefixes[:i+1]) + "\n\n"
 *   line 77      full: "\n\n".join(prefixes)
 * The assistant content is rendered by the HF chat template with continue_final_message=True,
 * so the bytes after the template's assistant opener are content + appended text.
 */
const STOP_TEXT =
  "Time is up.\n\nGiven the time I've spent and the approaches I've tried, I should stop thinking and formulate a final answer based on what I already have.\n</think>\n\n**Step-by-Step Explanation and Answer:**\n\n1. **";

// Three episodes as our segmenter gives them: the trailing "\n\n" belongs to the episode before.
const THINKING = 'Let me compute 2+3.\n\nIt is 5.\n\nSo 5.\n\nWait, check: 2+3=5.\n\nYes.\n\nOK.\n\nBut wait, is it 6?\n\nNo, 5.';
const subject = (thinking: string): ProbeSubject => ({ thinking, episodes: segmentThinking(thinking, { mode: 'mrt' }) });
const SUBJECT = subject(THINKING);

test('the fixture segments into three MRT episodes that tile the thinking', () => {
  assert.deepEqual(
    SUBJECT.episodes.map((e) => e.text),
    ['Let me compute 2+3.\n\nIt is 5.\n\nSo 5.\n\n', 'Wait, check: 2+3=5.\n\nYes.\n\nOK.\n\n', 'But wait, is it 6?\n\nNo, 5.'],
  );
});

test('mrt prefix 0 is the empty assistant turn plus the stop text (script line 74)', () => {
  const turn = probeTurn('mrt', SUBJECT, 0);
  assert.equal(turn.kind, 'empty');
  assert.equal(assistantTurnText(turn), STOP_TEXT);
  assert.equal(
    assistantTurnText(turn),
    "Time is up.\n\nGiven the time I've spent and the approaches I've tried, I should stop thinking and formulate a final answer based on what I already have.\n</think>\n\n**Step-by-Step Explanation and Answer:**\n\n1. **",
  );
});

test('mrt middle prefixes: episodes (trailing newlines stripped) joined by a blank line, a blank line, the stop text (line 76)', () => {
  const one = probeTurn('mrt', SUBJECT, 1);
  assert.equal(one.kind, 'partial');
  assert.equal(assistantTurnText(one), 'Let me compute 2+3.\n\nIt is 5.\n\nSo 5.\n\n' + STOP_TEXT);
  const two = probeTurn('mrt', SUBJECT, 2);
  assert.equal(
    assistantTurnText(two),
    'Let me compute 2+3.\n\nIt is 5.\n\nSo 5.\n\nWait, check: 2+3=5.\n\nYes.\n\nOK.\n\n' +
      "Time is up.\n\nGiven the time I've spent and the approaches I've tried, I should stop thinking and formulate a final answer based on what I already have.\n</think>\n\n**Step-by-Step Explanation and Answer:**\n\n1. **",
  );
});

test('mrt full thinking: all episodes joined, then "\\n</think>" and nothing else (line 77, lines 15-16)', () => {
  const full = probeTurn('mrt', SUBJECT, 3);
  assert.equal(full.kind, 'full');
  assert.equal(
    assistantTurnText(full),
    'Let me compute 2+3.\n\nIt is 5.\n\nSo 5.\n\nWait, check: 2+3=5.\n\nYes.\n\nOK.\n\nBut wait, is it 6?\n\nNo, 5.\n</think>',
  );
});

test('mrt gives L + 1 probes; a one-episode trace has prefix 0 and the full thinking only', () => {
  assert.deepEqual(
    probeTurns('mrt', SUBJECT).map((t) => t.kind),
    ['empty', 'partial', 'partial', 'full'],
  );
  const single = subject('Only one step.\n\nDone.');
  assert.deepEqual(
    probeTurns('mrt', single).map((t) => assistantTurnText(t)),
    [STOP_TEXT, 'Only one step.\n\nDone.\n</think>'],
  );
  assert.deepEqual(probeTurns('mrt', { thinking: '', episodes: [] }).map((t) => t.kind), ['empty']);
  assert.throws(() => probeTurn('mrt', SUBJECT, 4), /\[0, 3\], got 4/);
  assert.throws(() => probeTurn('mrt', SUBJECT, -1), RangeError);
});

test('mrt sampling is the regret runs\' (scripts/regret/pass_at_k_given_prefix.sh lines 29-33)', () => {
  assert.deepEqual(probeTurn('mrt', SUBJECT, 1).sampling, { k: 8, temperature: 0.6, topP: 0.95, maxTokens: 4096 });
  assert.throws(() => probeRecipe('dynasor' as never), /must be one of "mrt", "quick"/);
});

test('mrt turn through our think-tag templates: the bytes after the assistant opener are the turn, untouched', () => {
  // The wiring renders `renderThinkingPrefix(family, problem, turn.thinking)` + "\n</think>" +
  // answerLead. The script's HF template with continue_final_message gives `<｜Assistant｜>` + turn
  // (no "<think>\n" opener: ours adds it, docs/fidelity.md "Around the assistant turn").
  for (const [family, opener] of [
    ['deepseek-r1', '<｜Assistant｜><think>\n'],
    ['qwq', '<|im_start|>assistant\n<think>\n'],
    ['qwen3', '<|im_start|>assistant\n<think>\n'],
  ] as const) {
    for (const turn of probeTurns('mrt', SUBJECT)) {
      const sent = `${renderThinkingPrefix(family, 'What is 2+3?', turn.thinking)}\n</think>${turn.answerLead}`;
      assert.equal(sent.slice(sent.indexOf(opener) + opener.length), assistantTurnText(turn), `${family} prefix ${turn.prefixIndex}`);
      assert.equal(sent.split('</think>').length, 2, 'exactly one end-of-thinking marker');
    }
  }
});

test('quick texts are the live probe constants of src/model/templates.ts', () => {
  assert.equal(QUICK_STOP_SENTENCE, MRT_FORCED_STOP);
  assert.equal(QUICK_QWEN3_STOP_SENTENCE, QWEN3_FORCED_STOP);
  assert.equal(QUICK_ANSWER_HEADER, `\n\n${BOXED_ANSWER_PREFIX}`);
  assert.deepEqual(PROBE_RECIPES.quick.sampling, { k: 8, temperature: 0.6, maxTokens: 32 });
});

test('quick assistant turn equals what renderForcedAnswerPrompt sends after the opener, every prefix', () => {
  for (const [family, quickStop] of [
    ['deepseek-r1', 'mrt'],
    ['qwq', 'mrt'],
    ['qwen3', 'qwen3'],
  ] as const) {
    const opener = family === 'deepseek-r1' ? '<｜Assistant｜><think>\n' : '<|im_start|>assistant\n<think>\n';
    for (let j = 0; j <= SUBJECT.episodes.length; j++) {
      const prefix = j === 0 ? '' : THINKING.slice(0, SUBJECT.episodes[j - 1].end);
      const sent = renderForcedAnswerPrompt(family, 'What is 2+3?', prefix);
      const turn = assistantTurnText(probeTurn('quick', SUBJECT, j, { quickStop }));
      assert.equal(sent.slice(sent.indexOf(opener) + opener.length), turn, `${family} prefix ${j}`);
    }
  }
  assert.equal(
    assistantTurnText(probeTurn('quick', SUBJECT, 1)),
    "Let me compute 2+3.\n\nIt is 5.\n\nSo 5.\n\nTime is up.\n\nGiven the time I've spent and the approaches I've tried, I should stop thinking and formulate a final answer based on what I already have.\n</think>\n\n**Final Answer**\n\n\\boxed{",
  );
});

test('mrtBoxedAnswer is grader.py extract_boxed_answer: last match, one nesting level', () => {
  assert.equal(mrtBoxedAnswer('so \\boxed{4} then \\boxed{5}.'), '5');
  assert.equal(mrtBoxedAnswer('\\boxed{\\frac{1}{2}}'), '\\frac{1}{2}');
  // Two levels: the regex stops one brace early, as Python's re does on the same pattern.
  assert.equal(mrtBoxedAnswer('\\boxed{\\frac{1}{\\sqrt{2}}}'), '\\frac{1}{\\sqrt{2}');
  assert.equal(mrtBoxedAnswer('no box here'), null);
  assert.equal(mrtBoxedAnswer('\\boxed{}'), '');
  assert.equal(mrtBoxedAnswer('\\boxed{unclosed'), null);
});

test('mrt scoring reads prompt + completion: a box in the prefix counts when the completion has none', () => {
  const prompt = `<｜User｜>P<｜Assistant｜>${assistantTurnText(probeTurn('mrt', subject('So \\boxed{7}.\n\nDone.'), 0))}`;
  const withPrefixBox = `<｜User｜>P<｜Assistant｜>So \\boxed{7}.\n\n${STOP_TEXT}`;
  assert.equal(probeScoringText('mrt', withPrefixBox, 'Compute.'), withPrefixBox + 'Compute.');
  assert.equal(probeAnswer('mrt', withPrefixBox, 'Compute. No box.'), '7');
  assert.equal(probeAnswer('mrt', withPrefixBox, 'Answer \\boxed{8}'), '8');
  assert.equal(probeAnswer('mrt', prompt, 'rambling'), null);
});

test('quick scoring reads the completion up to its first unbalanced brace', () => {
  assert.equal(probeScoringText('quick', 'PROMPT \\boxed{', '\\frac{1}{2}} done'), '\\frac{1}{2}} done');
  assert.equal(probeAnswer('quick', 'PROMPT \\boxed{', '\\frac{1}{2}} done'), '\\frac{1}{2}');
  assert.equal(probeAnswer('quick', 'So \\boxed{7}. \\boxed{', 'never closes'), null);
});
