/**
 * src/shared (the webview protocol) runs in the extension host (Node) and in the webview (browser), so it
 * is compiled with neither Node nor DOM types (src/shared/tsconfig.json): only globals both hosts have,
 * declared as far as the protocol uses them.
 */
declare class URL {
  constructor(url: string, base?: string);
  readonly protocol: string;
}
