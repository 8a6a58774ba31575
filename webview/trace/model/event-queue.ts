/**
 * Run events waiting for the next animation frame. Consecutive 'episode-grew' events for the
 * same episode and consecutive 'tokens' events carry full state, so only the last one is kept:
 * a hidden panel (no frames) then holds one entry per episode, not one per token.
 */
import type { RunEvent } from '../../../src/shared/protocol';

export function compactEvents(queue: RunEvent[], incoming: readonly RunEvent[]): void {
  for (const event of incoming) {
    const last = queue[queue.length - 1];
    if (last && event.type === 'episode-grew' && last.type === 'episode-grew' && last.index === event.index) queue[queue.length - 1] = event;
    else if (last && event.type === 'tokens' && last.type === 'tokens') queue[queue.length - 1] = event;
    else if (last && event.type === 'response-grew' && last.type === 'response-grew') queue[queue.length - 1] = event;
    else queue.push(event);
  }
}
