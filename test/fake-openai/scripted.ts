/**
 * A scripted "reasoning model" for the fake OpenAI-compatible server: for a known problem it
 * thinks in MRT-style episodes (a first wrong guess, a "Wait" that corrects it, a check), then
 * answers with \boxed{gold}. Forced-answer probes answer the gold only once the prefix contains
 * the correcting episode, so progress estimates have a known, testable shape.
 */

export interface ScriptedProblem {
  problem: string;
  gold: string;
  /** A wrong answer the model states first (defaults to gold + 1 for numbers, else "0"). */
  wrong?: string;
}

export interface Script {
  thinking: string;
  response: string;
  /** The paragraph whose presence in a prefix makes probes answer correctly. */
  correctMarker: string;
  gold: string;
  wrong: string;
}

export function wrongAnswerFor(gold: string): string {
  const n = Number(gold);
  return Number.isFinite(n) && gold.trim() !== '' ? String(n + 1) : '0';
}

export function scriptFor(p: ScriptedProblem): Script {
  const wrong = p.wrong ?? wrongAnswerFor(p.gold);
  const correctMarker = `Wait, I made an arithmetic slip. Redoing it gives ${p.gold}.`;
  // Paragraphs are long enough (>= 3 per episode, > 200 chars) for every segmentation mode to cut at each "Wait".
  const paragraphs = [
    `Let me read the problem carefully: ${p.problem.slice(0, 80)}`,
    'First I set up the quantities involved and write down what is given and what is asked, so that nothing gets lost later on.',
    'Then I combine the quantities step by step, keeping track of every intermediate value along the way.',
    `A quick computation suggests the answer is ${wrong}.`,
    correctMarker,
    'Let me recompute each step slowly to be sure, going through the same quantities again in the same order as before.',
    'Every intermediate value now matches what I expect from the setup of the problem.',
    `So the answer should be ${p.gold}.`,
    'Wait, let me double-check by substituting back into the original conditions of the problem statement.',
    'Substituting back, every condition of the problem holds, and nothing was left out of the computation.',
    'The check agrees with the result from before, so I am confident in it.',
    `Yes, the answer is ${p.gold}.`,
  ];
  return {
    thinking: paragraphs.join('\n\n'),
    response: `The answer is $\\boxed{${p.gold}}$.`,
    correctMarker,
    gold: p.gold,
    wrong,
  };
}

/** Forced answer for a probe prompt: gold once the correcting paragraph is in the prefix. */
export function forcedAnswer(script: Script, prompt: string): string {
  const answer = prompt.includes(script.correctMarker) ? script.gold : script.wrong;
  return /\\boxed\{\s*$/.test(prompt) ? `${answer}}` : `\\boxed{${answer}}`;
}

/** Split text into stream pieces of about `size` characters, on word boundaries. */
export function pieces(text: string, size = 12): string[] {
  const out: string[] = [];
  const words = text.split(/(?<=\s)/);
  let cur = '';
  for (const w of words) {
    cur += w;
    if (cur.length >= size) {
      out.push(cur);
      cur = '';
    }
  }
  if (cur) out.push(cur);
  return out;
}
