/**
 * Child process for the sidecar tests: appends `count` annotations as reviewer `who` to the
 * sidecar, one appendAnnotation (one write(2)) each. `noteChars` > 0 makes every line carry a
 * note that long (multi-page lines for the kill test). Prints "started" after the first line.
 */
import { makeAnnotation } from '../../src/core/review/annotation';
import { appendAnnotation } from '../../src/io/review-sidecar';

const [sidecar, who, countText, noteCharsText] = process.argv.slice(2);
const count = Number(countText);
const noteChars = Number(noteCharsText ?? '0');
for (let i = 0; i < count; i++) {
  const value = noteChars > 0
    ? { kind: 'note' as const, value: `${who} ${i} `.padEnd(noteChars, 'x') }
    : { kind: 'stepVerdict' as const, value: (['good', 'bad', 'neutral'] as const)[i % 3] };
  appendAnnotation(sidecar, makeAnnotation(who, new Date(), 't1', { start: i * 10, end: i * 10 + 5 }, value));
  if (i === 0) process.stdout.write('started\n');
}
