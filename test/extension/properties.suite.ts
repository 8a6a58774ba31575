/** Rules that must hold for all inputs (fast-check), run inside the extension host. */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import { jsonErrorLine, jsonErrorOffset, parseTraceText } from '../../src/extension/trace/traceFiles';
import { readSettings, validateBudgetPolicy } from '../../src/extension/settings';
import { coalesce } from '../../src/extension/trace/traceView';
import type { RunEvent } from '../../src/runs/contract';

export function registerPropertiesSuite(): void {
  describe('properties', () => {
    it('jsonErrorOffset accepts every valid JSON text and points inside every invalid one', () => {
      fc.assert(
        fc.property(fc.jsonValue(), fc.boolean(), (v, pretty) => {
          const text = JSON.stringify(v, null, pretty ? 2 : 0);
          assert.equal(jsonErrorOffset(text), text.length);
        }),
      );
      fc.assert(
        fc.property(fc.string({ maxLength: 60 }), (text) => {
          let valid = true;
          try {
            JSON.parse(text);
          } catch {
            valid = false;
          }
          const at = jsonErrorOffset(text);
          if (valid) assert.equal(at, text.length);
          else assert.ok(at <= text.length);
          assert.ok(jsonErrorLine(text) >= 1);
        }),
      );
    });

    it('parseTraceText never throws and every message starts with the file name', () => {
      fc.assert(
        fc.property(fc.oneof(fc.string(), fc.json(), fc.array(fc.json()).map((a) => a.join('\n'))), fc.constantFrom('a.trace.json', 'a.trace.jsonl'), (text, name) => {
          const r = parseTraceText(text, name);
          assert.equal(r.traces.length, r.lines.length);
          for (const p of r.problems) assert.ok(p.startsWith('a.trace.json') || p.startsWith('… and'), p);
          if (r.traces.length === 0) assert.ok(r.problems.length > 0, 'an unreadable file always says why');
        }),
      );
    });

    it('readSettings never throws and keeps every number inside its documented range', () => {
      fc.assert(
        fc.property(fc.dictionary(fc.constantFrom('host', 'model', 'samplesPerProbe', 'probeConcurrency', 'segmentationMode', 'markers', 'defaultBudget', 'timeouts.connectMs', 'timeouts.idleMs', 'traceFolder', 'view.renderMath'), fc.anything()), (values) => {
          const { settings, problems } = readSettings((k) => values[k], {});
          assert.ok(settings.samplesPerProbe >= 0 && settings.samplesPerProbe <= 64);
          assert.ok(settings.probeConcurrency >= 1 && settings.probeConcurrency <= 16);
          assert.ok(settings.idleTimeoutMs >= 1000);
          assert.ok(['auto', 'mrt', 'sentence'].includes(settings.segmentationMode));
          assert.match(settings.host, /^https?:\/\//);
          assert.ok(!settings.traceFolder.split(/[\\/]/).includes('..'));
          for (const p of problems) assert.match(p, /^reasoningLens\./);
        }),
      );
    });

    it('an accepted budget policy re-validates to itself', () => {
      fc.assert(
        fc.property(fc.anything(), (value) => {
          const r = validateBudgetPolicy(value, 'b');
          if (r.ok) assert.deepEqual(validateBudgetPolicy(r.policy, 'b'), r);
          else assert.match(r.error, /^b/);
        }),
      );
    });

    it('coalesce keeps order, every non-growth event, and the last growth of each open episode', () => {
      const event = fc.oneof(
        fc.record({ type: fc.constant('episode-grew' as const), index: fc.nat(3), text: fc.string(), end: fc.nat(), tokens: fc.nat() }),
        fc.record({ type: fc.constant('tokens' as const), thinkingTokens: fc.nat(), responseTokens: fc.nat(), elapsedMs: fc.nat() }),
        fc.record({ type: fc.constant('response-grew' as const), text: fc.string() }),
        fc.record({ type: fc.constant('status' as const), status: fc.constant('thinking' as const) }),
      );
      fc.assert(
        fc.property(fc.array(event, { maxLength: 40 }), (events) => {
          const out = coalesce(events as RunEvent[]);
          // A subsequence, in order.
          let j = 0;
          for (const e of events) if (j < out.length && out[j] === e) j++;
          assert.equal(j, out.length);
          assert.equal(out.filter((e) => e.type === 'status').length, events.filter((e) => e.type === 'status').length);
          for (const type of ['tokens', 'response-grew'] as const) {
            const all = events.filter((e) => e.type === type);
            if (all.length) assert.equal(out.filter((e) => e.type === type).pop(), all[all.length - 1]);
          }
          for (let idx = 0; idx <= 3; idx++) {
            const grows = events.filter((e) => e.type === 'episode-grew' && e.index === idx);
            const kept = out.filter((e) => e.type === 'episode-grew' && e.index === idx);
            assert.equal(kept.length, grows.length ? 1 : 0);
            if (grows.length) assert.equal(kept[0], grows[grows.length - 1]);
          }
        }),
      );
    });
  });
}
