/**
 * Writes a file through VS Code's file system (local or remote) so that it appears whole or not
 * at all: the bytes go to a hidden temporary name beside the target, then a rename. Anyone
 * watching the folder (our own trace picker, a user's script reading saved traces) never reads a
 * half-written trace.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

export async function writeUriAtomically(target: vscode.Uri, bytes: Uint8Array): Promise<void> {
  const name = target.path.slice(target.path.lastIndexOf('/') + 1);
  const temp = vscode.Uri.joinPath(target, '..', `.${name}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  await vscode.workspace.fs.writeFile(temp, bytes);
  try {
    await vscode.workspace.fs.rename(temp, target, { overwrite: true });
  } catch (err) {
    await Promise.resolve(vscode.workspace.fs.delete(temp)).catch(() => undefined);
    throw err;
  }
}
