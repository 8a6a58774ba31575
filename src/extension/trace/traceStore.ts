/**
 * Where runs are saved so no trace is ever lost: `<first workspace folder>/<traceFolder>/`
 * (default `.reasoning-lens/`), or the extension's global storage `traces/` folder when no
 * folder is open. A run is saved when it finishes, is stopped or fails, whether or not its
 * panel is still open.
 */
import * as vscode from 'vscode';
import type { Trace } from '../../core/trace';
import { writeUriAtomically } from '../writeUriAtomically';

export class TraceStore {
  constructor(
    private readonly globalStorage: vscode.Uri,
    private readonly folderSetting: () => string,
  ) {}

  /** The folder traces are written to (created on first save). */
  folder(): vscode.Uri {
    const ws = vscode.workspace.workspaceFolders?.[0];
    if (ws && ws.uri.scheme === 'file') return vscode.Uri.joinPath(ws.uri, this.folderSetting());
    return vscode.Uri.joinPath(this.globalStorage, 'traces');
  }

  /** Writes the trace as `<timestamp>-<model>-<id>.trace.json`; returns where it went. */
  async save(trace: Trace): Promise<vscode.Uri> {
    const folder = this.folder();
    await vscode.workspace.fs.createDirectory(folder);
    const uri = vscode.Uri.joinPath(folder, traceFileName(trace));
    await writeUriAtomically(uri, Buffer.from(JSON.stringify(trace, null, 1) + '\n', 'utf8'));
    return uri;
  }
}

export function traceFileName(trace: Trace, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-').replace(/Z$/, '');
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 40);
  const model = trace.model ? `${safe(trace.model)}-` : '';
  return `${stamp}-${model}${safe(trace.id)}.trace.json`;
}
