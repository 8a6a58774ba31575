// esbuild plugins for the webview bundle (used by scripts/build.mjs and webview/dev/build.mjs).

import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * KaTeX's stylesheet lists every font as woff2, woff and ttf; VS Code's Chromium always takes
 * woff2, so the other two (~0.8 MB) are dropped from the CSS and never copied into dist.
 */
export const katexWoff2Only = {
  name: 'katex-woff2-only',
  setup(build) {
    build.onLoad({ filter: /katex(\.min)?\.css$/ }, async (args) => {
      const css = await readFile(args.path, 'utf8');
      const trimmed = css.replace(/,\s*url\([^)]+\.woff\) format\("woff"\)/g, '').replace(/,\s*url\([^)]+\.ttf\) format\("truetype"\)/g, '');
      return { contents: trimmed, loader: 'css', resolveDir: dirname(args.path) };
    });
  },
};
