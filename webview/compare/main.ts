/**
 * Webview entry: the Reasoning Lens compare view (bundled to dist/webview/compare.js and
 * compare.css). The host renders the same strict-CSP page as for the other views
 * (src/extension/webview/webviewHtml.ts) with these two files; data arrives only by postMessage.
 */
import 'katex/dist/katex.min.css';
import 'uplot/dist/uPlot.min.css';
import '../../media/main.css';
import '../../media/compare.css';
import type { CompareViewToHost, HostToCompareView, PersistedCompareState } from '../../src/shared/compare-protocol';
import { startPage } from '../common/page';
import { CompareApp } from './app';

startPage<HostToCompareView, CompareViewToHost, PersistedCompareState>('compare view', (root, bridge) => new CompareApp(root, bridge));
