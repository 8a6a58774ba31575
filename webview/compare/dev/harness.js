// Fake VS Code webview API for the compare view's dev harness. Records what the view posts
// (window.__sent) and answers 'ready' with the payload in dist/dev-samples/compare-NAME.json.
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
    const response = await fetch(`/dist/dev-samples/compare-${name}.json`);
    deliver({ type: 'compare', ...(await response.json()) });
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
