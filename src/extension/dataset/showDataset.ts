/**
 * "Show Dataset Report": opens the dataset view for a trace JSONL: the file passed (explorer,
 * editor title), else the file of the active trace editor or text editor, else one picked.
 */
import * as vscode from 'vscode';
import type { Lens } from '../trace/lens';
import { DatasetView } from './datasetView';

export async function showDatasetCommand(lens: Lens, raw?: unknown): Promise<DatasetView | undefined> {
  const file = raw instanceof vscode.Uri ? raw : activeTraceFile() ?? (await pickFile());
  if (!file) return undefined;
  const view = DatasetView.show(lens, file);
  await view.firstLoad;
  return view;
}

/** The file behind the active tab, when it is a JSONL (custom trace editor or text). */
function activeTraceFile(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined;
  return uri && /\.jsonl$/i.test(uri.path) ? uri : undefined;
}

async function pickFile(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: 'Reasoning Lens: Show Dataset Report',
    openLabel: 'Show',
    canSelectMany: false,
    filters: { 'Annotated traces': ['jsonl'], 'All files': ['*'] },
  });
  return picked?.[0];
}
