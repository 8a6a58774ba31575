// Webview entry (skeleton): replaced by the trace view.
document.body.dataset.ready = 'true';
