// Fake VS Code webview API for the dev harness of a view that gets one payload message (the
// compare and dataset views): loaded as <script data-view="NAME" src=".../view-harness.js">.
// Records what the view posts (window.__sent) and answers 'ready' with a message of type NAME
// holding dist/dev-samples/NAME-SAMPLE.json (?sample=SAMPLE; 'none': the driver delivers itself).
(function () {
  const view = document.currentScript.dataset.view;
  const params = new URLSearchParams(location.search);
  const theme = params.get('theme') || 'dark';
  document.body.className = theme === 'light' ? 'vscode-light' : 'vscode-dark';
  const sent = (window.__sent = []);
  // A driver may seed the persisted state (page.addInitScript) to test restoring.
  let state = window.__initialState;
  const deliver = (message) => window.postMessage(message, '*');

  async function loadSample() {
    const name = params.get('sample') || 'real';
    if (name === 'none') return;
    const started = performance.now();
    const response = await fetch(`/dist/dev-samples/${view}-${name}.json`);
    const payload = await response.json();
    window.__fetchMs = performance.now() - started;
    window.__deliveredAt = performance.now();
    deliver({ type: view, ...payload });
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
