// Fake VS Code webview API for the dataset view's dev harness. Records what the view posts
// (window.__sent) and answers 'ready' with the payload in dist/dev-samples/dataset-NAME.json.
(function () {
  const params = new URLSearchParams(location.search);
  const theme = params.get('theme') || 'dark';
  document.body.className = theme === 'light' ? 'vscode-light' : 'vscode-dark';
  const sent = (window.__sent = []);
  let state = window.__initialState;
  const deliver = (message) => window.postMessage(message, '*');

  async function loadSample() {
    const name = params.get('sample') || 'real';
    if (name === 'none') return;
    const started = performance.now();
    const response = await fetch(`/dist/dev-samples/dataset-${name}.json`);
    const payload = await response.json();
    window.__fetchMs = performance.now() - started;
    window.__deliveredAt = performance.now();
    deliver({ type: 'dataset', ...payload });
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
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ''}`));
})();
