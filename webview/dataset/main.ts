/**
 * Webview entry: the Reasoning Lens dataset view (bundled to dist/webview/dataset.js and
 * dataset.css). The host renders the same strict-CSP skeleton as for the trace view
 * (src/extension/webviewHtml.ts) with these two files; data arrives only by postMessage.
 */
import 'uplot/dist/uPlot.min.css';
import '../../media/main.css';
import '../../media/dataset.css';
import type { DatasetViewToHost, HostToDatasetView, PersistedDatasetState } from '../../src/shared/dataset-protocol';
import { startPage } from '../common/page';
import { DatasetApp } from './app';

startPage<HostToDatasetView, DatasetViewToHost, PersistedDatasetState>('dataset view', (root, bridge) => new DatasetApp(root, bridge));
