import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command, type Option } from 'commander';
import { givenFlags, jobOptionsFromFlags, registerAnnotateCommand, type AnnotateFlags } from '../../src/cli/commands/annotate';
import { registerExportCommand } from '../../src/cli/commands/export';
import { registerReportCommand } from '../../src/cli/commands/report';
import { registerSegmentCommand } from '../../src/cli/commands/segment';
import { registerSolveCommand, toSolveOptions, parseVote } from '../../src/cli/commands/solve';
import { registerGradeCommand } from '../../src/cli/commands/grade';

function program(): Command {
  const p = new Command('reasoning-lens').exitOverride();
  registerSegmentCommand(p);
  registerAnnotateCommand(p);
  registerReportCommand(p);
  registerExportCommand(p);
  registerSolveCommand(p);
  registerGradeCommand(p);
  return p;
}

function visibleOptions(cmd: Command): Map<string, Option> {
  const out = new Map<string, Option>();
  for (const o of cmd.options as Option[]) if (!o.hidden && o.long) out.set(o.long, o);
  return out;
}

test('options shared by commands are spelled, abbreviated and described alike', () => {
  const byName = new Map(program().commands.map((c) => [c.name(), visibleOptions(c)]));
  const annotate = byName.get('annotate')!;
  const solve = byName.get('solve')!;
  const segment = byName.get('segment')!;
  // Same flags string (short alias and placeholder) wherever an option appears in two commands.
  // -o differs by design (annotate appends a job's JSONL, solve saves one trace); annotate takes several models.
  const shared = [...annotate.keys()].filter((k) => solve.has(k) && k !== '--output' && k !== '--model');
  assert.ok(shared.length >= 14, `shared: ${shared.join(' ')}`);
  for (const k of shared) assert.equal(annotate.get(k)!.flags, solve.get(k)!.flags, k);
  for (const k of ['--think', '--temperature', '--seed', '--mode', '--max-steps', '--group-size', '--max-thinking', '--min-thinking']) {
    assert.equal(annotate.get(k)!.description, solve.get(k)!.description, `${k} described alike`);
  }
  for (const k of ['--mode', '--max-steps', '--group-size']) assert.equal(segment.get(k)!.flags, solve.get(k)!.flags, k);
  assert.ok(!solve.has('--segment'), '--segment stays an accepted but hidden name of --mode');
  // Every visible option says what it does; those with a default say it.
  for (const [name, opts] of byName) {
    for (const [k, o] of opts) {
      assert.ok((o.description ?? '').length >= 10, `${name} ${k} has a description`);
      if (['--host', '--samples', '--concurrency', '--think', '--temperature', '--timeout', '--max-steps', '--group-size'].includes(k)) {
        assert.match(o.description ?? '', /default/, `${name} ${k} names its default`);
      }
    }
  }
});

test('--vote takes N/M (and N:M) in solve and in dataset jobs; --mode and the old --segment both set the segmentation', () => {
  assert.deepEqual(parseVote('8:3'), { n: 8, m: 3 });
  const p = program();
  let seen: { flags: AnnotateFlags; given: Set<string> } | undefined;
  const annotate = p.commands.find((c) => c.name() === 'annotate')!;
  annotate.action((_inputs: string[], flags: AnnotateFlags) => void (seen = { flags, given: givenFlags(annotate) }));
  p.parse(['annotate', 'set.jsonl', '-o', 'out.jsonl', '--model', 'm', '--vote', '8:3', '--think', 'HIGH', '--problem-field', 'q,problem'], { from: 'user' });
  const built = jobOptionsFromFlags('set.jsonl', seen!.flags, seen!.given);
  assert.ok(built.ok, built.ok ? '' : built.errors.join('; '));
  assert.deepEqual(built.options.budget?.vote, { n: 8, m: 3 });
  assert.equal(built.options.budget?.think, 'high');
  assert.deepEqual(built.options.mapping, { problem: ['q', 'problem'] }, 'field lists are kept whole, tried in order');
  assert.deepEqual(toSolveOptions('p', { model: 'm', mode: 'mrt', maxSteps: 5, groupSize: 2 }).segment, { mode: 'mrt', maxSteps: 5, groupSize: 2 });
  assert.deepEqual(toSolveOptions('p', { model: 'm', mode: 'auto', segment: 'sentence' }).segment, { mode: 'sentence' });
  assert.equal(toSolveOptions('p', { model: 'm' }).segment, undefined);
});
