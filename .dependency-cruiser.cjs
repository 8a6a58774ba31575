/**
 * Import boundaries of the layers (docs: /work/shared/design.md, README "Layers").
 * Arrows point down only: core < formats < model < io < runs < cli | extension.
 * src/shared (the webview protocol) sits beside the extension and is imported only by it and by webview/.
 * `npm run lint` runs this; test/lint/layers.test.ts proves each rule can fail.
 */
const LAYERS = ['core', 'formats', 'model', 'io', 'runs'];

/** One rule per layer: it may not import any layer above it (nor the front ends, shared or the webview). */
const noUpward = LAYERS.map((layer, i) => ({
  name: `no-upward-from-${layer}`,
  comment: `src/${layer} may import only the layers below it (${LAYERS.slice(0, i).join(', ') || 'none'}).`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: `^(src/(${[...LAYERS.slice(i + 1), 'cli', 'extension', 'shared'].join('|')})/|webview/)` },
}));

module.exports = {
  forbidden: [
    ...noUpward,
    {
      name: 'core-is-pure',
      comment: 'src/core does no I/O: no node: built-ins, no vscode, no ollama (performance.now() is a global, not an import).',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '(^|/)node_modules/(@types/)?(vscode|ollama)/|^(vscode|ollama)$' },
    },
    {
      name: 'core-no-node-builtins',
      comment: 'src/core runs in the browser too: no node: (or bare) built-in modules.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'formats-no-node-builtins',
      comment: 'src/formats parses text/bytes into records; file access lives in src/io.',
      severity: 'error',
      from: { path: '^src/formats/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'shared-no-node-builtins',
      comment: 'src/shared is bundled into the webview too: no Node built-ins.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'ollama-only-in-model',
      comment: 'The ollama client is used only by model access (src/model); tests may drive it directly.',
      severity: 'error',
      from: { path: '^(src|webview|bench|scripts)/', pathNot: '^src/model/' },
      to: { path: '(^|/)node_modules/ollama/|^ollama$' },
    },
    {
      name: 'vscode-only-in-extension',
      comment: 'Only the extension front end (and its extension-host tests) talks to the vscode API.',
      severity: 'error',
      from: { pathNot: '^(src/extension|test/extension)/' },
      to: { path: '(^|/)node_modules/@types/vscode/|^vscode$' },
    },
    {
      name: 'cli-not-extension',
      comment: 'The two front ends do not import each other.',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^(src/(extension|shared)/|webview/)' },
    },
    {
      name: 'extension-not-cli-or-webview',
      comment: 'The extension host does not import the CLI or the browser bundle (it talks to the webview through src/shared).',
      severity: 'error',
      from: { path: '^src/extension/' },
      to: { path: '^(src/cli/|webview/)' },
    },
    {
      name: 'shared-is-protocol',
      comment: 'src/shared (the webview protocol) may use core and the run-event types only.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: '^(src/(formats|model|io|runs|cli|extension)/|webview/)', pathNot: '^src/runs/contract\\.ts$' },
    },
    {
      name: 'shared-run-contract-types-only',
      comment: 'src/shared names the run events as types; it does not pull run code into the webview bundle.',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: '^src/runs/contract\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'shared-only-for-extension-and-webview',
      comment: 'Only the extension and the webview speak the webview protocol.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(extension|shared)/' },
      to: { path: '^src/shared/' },
    },
    {
      name: 'webview-imports-webview-shared-core-types',
      comment: 'The browser UI imports only webview/, src/shared and (as types) src/core.',
      severity: 'error',
      from: { path: '^webview/', pathNot: '^webview/dev/' },
      to: { path: '^src/', pathNot: '^src/(shared|core)/' },
    },
    {
      name: 'webview-core-types-only',
      comment:
        'The browser UI takes only types from src/core (the host computes; the page shows), except the one budget ' +
        'policy parser, which the budget form runs to validate each field before anything runs, and the one rule for ' +
        "mu's interval band, which every view draws alike, and the tokenizer-family table the header names its counts by.",
      severity: 'error',
      from: { path: '^webview/', pathNot: '^webview/dev/' },
      to: { path: '^src/core/', pathNot: '^src/core/(budget-policy|mu-interval|token-families)\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'webview-no-node',
      comment: 'The webview runs in a browser: no Node built-ins.',
      severity: 'error',
      from: { path: '^webview/', pathNot: '^webview/dev/|\\.mjs$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-circular',
      comment:
        'No import cycles, dynamic imports included. A cycle through an `import type` is erased at build time ' +
        '(e.g. a command module naming the Lens type that loads it on demand) and is not reported.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|\\.e2e)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.mts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
