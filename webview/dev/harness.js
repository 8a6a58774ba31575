// Fake VS Code webview API for the dev harness. Records what the view posts (window.__sent),
// answers 'ready' with a 'load' of ?sample=NAME (dist/dev-samples/NAME.json), and with ?live=1
// replays that trace as a stream of batched RunEvents, one batch per frame, like the host.
(function () {
  const params = new URLSearchParams(location.search);
  const theme = params.get('theme') || 'dark';
  document.body.className = theme === 'light' ? 'vscode-light' : theme === 'hc' ? 'vscode-high-contrast' : 'vscode-dark';
  const sent = (window.__sent = []);
  // A driver may seed the persisted state (page.addInitScript) to test restoring.
  let state = window.__initialState;
  const deliver = (message) => window.postMessage(message, '*');
  const settings = { renderMath: params.get('math') !== '0', expandEpisodes: params.get('expand') === '1', showChart: true };

  async function loadSample() {
    const name = params.get('sample') || 'real-0';
    if (name === 'none') return; // the driver (benchmark, tests) sends messages itself
    const response = await fetch(`/dist/dev-samples/${name}.json`);
    const trace = await response.json();
    window.__trace = trace;
    if (params.get('live') === '1') return replay(trace);
    deliver({ type: 'load', trace, live: false, settings, budget: (trace.budget && trace.budget.policy) || {}, probe: { samples: 4 }, models: ['deepseek-r1:8b', 'qwen3:8b'], origin: { file: name } });
    if (params.get('list') === '1') {
      deliver({ type: 'trace-list', file: '/data/' + name + '.jsonl', selected: 0, items: [0, 1, 2].map((i) => ({ index: i, id: trace.id + i, problem: trace.problem.slice(0, 60), correct: i === 1 ? false : true, episodes: trace.episodes.length })) });
    }
  }

  // Streams the trace's episodes in chunks of ~40 characters, batching a frame's events together.
  function replay(trace) {
    const empty = { ...trace, thinking: '', response: '', episodes: [], final: { answer: null, correct: null } };
    deliver({ type: 'load', trace: { ...empty, metrics: { ...trace.metrics, thinkingTokens: 0 } }, live: true, status: 'thinking', settings, budget: {}, probe: false });
    const events = [];
    let tokens = 0;
    for (const ep of trace.episodes) {
      events.push({ type: 'episode-opened', episode: { ...ep, text: '', end: ep.start, tokens: 0, labels: [], verdict: 'none', answer: undefined, progress: undefined } });
      for (let at = 40; at < ep.text.length + 40; at += 40) {
        const text = ep.text.slice(0, at);
        events.push({ type: 'episode-grew', index: ep.index, text, end: ep.start + text.length, tokens: Math.round((ep.tokens * text.length) / Math.max(1, ep.text.length)) });
      }
      events.push({ type: 'episode-closed', episode: ep });
      tokens += ep.tokens;
      events.push({ type: 'tokens', thinkingTokens: tokens, responseTokens: 0, elapsedMs: tokens * 20 });
      if (ep.progress) events.push({ type: 'probe-result', episodeIndex: ep.index, progress: ep.progress, prefixTokens: tokens });
    }
    events.push({ type: 'done', trace });
    const perFrame = Number(params.get('rate') || 6);
    let i = 0;
    function frame() {
      if (i >= events.length) return;
      deliver({ type: 'events', events: events.slice(i, i + perFrame) });
      i += perFrame;
      requestAnimationFrame(frame);
    }
    requestAnimationFrame(frame);
  }

  window.acquireVsCodeApi = function () {
    return {
      postMessage(message) {
        sent.push(message);
        if (message.type === 'ready') void loadSample();
      },
      getState: () => state,
      setState: (next) => {
        state = next;
        window.__state = next;
      },
    };
  };
  window.__deliver = deliver;
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ''} @${e.target && e.target.nodeName}.${e.target && e.target.className}`));
})();
