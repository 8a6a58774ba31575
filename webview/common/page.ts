/**
 * What every Reasoning Lens view page does the same way around its own app: the bridge to the
 * host (VS Code's webview API, or a fake one in the dev harness and tests), the message loop
 * (a page error is reported to the host's log, never swallowed), and the messages every host
 * sends besides the view's own data ('error', 'notice', 'ping'; see WebviewHost).
 */

/** What an app gets instead of the VS Code API, so the dev harness and tests can drive it. */
export interface PageBridge<Out, State> {
  post(message: Out): void;
  getState(): State | undefined;
  setState(state: State): void;
}

/** The messages every host sends (src/extension/webview/webviewHost.ts). */
export type CommonHostMessage = { type: 'error'; message: string } | { type: 'notice'; message: string } | { type: 'ping' };

interface VsCodeApi<Out, State> {
  postMessage(message: Out | { type: 'log'; level: 'error'; message: string }): void;
  getState(): State | undefined;
  setState(state: State): void;
}
declare function acquireVsCodeApi<Out, State>(): VsCodeApi<Out, State>;

/**
 * Starts a view page: builds its app on #app with the VS Code bridge and feeds it the host's
 * messages. `name` prefixes errors in the log ("compare view: …").
 */
export function startPage<In extends { type: string }, Out, State>(name: string, create: (root: HTMLElement, bridge: PageBridge<Out, State>) => { handle(message: In): void }): void {
  const vscode = acquireVsCodeApi<Out, State>();
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  const app = create(root, {
    post: (message) => vscode.postMessage(message),
    getState: () => vscode.getState(),
    setState: (state) => vscode.setState(state),
  });
  window.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as In | null;
    if (!data || typeof data !== 'object' || typeof data.type !== 'string') return;
    try {
      app.handle(data);
    } catch (err) {
      vscode.postMessage({ type: 'log', level: 'error', message: `${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}` });
    }
  });
  document.body.dataset.ready = 'true';
}

/** Where a page shows the common messages, and how it answers a ping. */
export interface CommonMessageTargets {
  errorBox: HTMLElement;
  notice: HTMLElement;
  /**
   * Shown again after being hidden: a page that kept its content asks for the current payload
   * ('ready'); one that has none yet has already said 'ready'.
   */
  hasContent(): boolean;
  ready(): void;
}

/** Handles 'error', 'notice' and 'ping'; returns false for the view's own messages. Text goes in as text. */
export function handleCommonMessage(message: { type: string }, targets: CommonMessageTargets): boolean {
  const m = message as CommonHostMessage;
  switch (m.type) {
    case 'error':
      targets.errorBox.textContent = m.message;
      targets.errorBox.hidden = false;
      return true;
    case 'notice':
      targets.notice.textContent = m.message;
      return true;
    case 'ping':
      if (targets.hasContent()) targets.ready();
      return true;
    default:
      return false;
  }
}
