/**
 * Reading the real recorded Ollama streams in ../shared/data/ollama/recorded-streams/*.md
 * (demos of attogram/ollama-bash-lib): the "## Demo" section holds the command (model and
 * prompt) in a ```bash block and the streamed response in a ```json block, as NDJSON lines or
 * pretty-printed multi-line objects; "## Demo Debug" may show the request body.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RecordedStream {
  file: string;
  model: string;
  prompt: string;
  /** Request JSON when the debug section shows it whole. */
  request?: Record<string, unknown>;
  chunks: Record<string, unknown>[];
  /** The same command run again under "## Demo Debug": its stream, between the [DEBUG] lines. */
  debugChunks?: Record<string, unknown>[];
}

export function listRecordedStreams(dir: string): RecordedStream[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => parseRecordedStream(readFileSync(join(dir, f), 'utf8'), f));
}

export function parseRecordedStream(markdown: string, file: string): RecordedStream {
  const demoAt = markdown.indexOf('## Demo\n');
  const debugAt = markdown.indexOf('## Demo Debug');
  if (demoAt < 0) throw new Error(`${file}: no "## Demo" section`);
  const demo = markdown.slice(demoAt, debugAt < 0 ? undefined : debugAt);
  const blocks = fencedBlocks(demo);
  const command = blocks.find((b) => b.lang === 'bash');
  const response = blocks.find((b) => b.lang === 'json');
  if (!command || !response) throw new Error(`${file}: the Demo section needs a bash and a json block`);
  const { model, prompt } = parseCommand(command.text, file);
  const chunks = parseJsonObjects(response.text, file);
  const debug = debugAt < 0 ? '' : markdown.slice(debugAt);
  const payload = /json_payload: (\{.*\})\s*$/m.exec(debug);
  const debugJson = fencedBlocks(debug).find((b) => b.lang === 'json');
  // The debug log also prints request bodies and one cut-off object: keep the stream chunks only.
  const streamed = debugJson?.text.split('\n').filter((line) => !line.startsWith('[DEBUG]')).join('\n') ?? '';
  const debugChunks = parseJsonObjects(streamed, file, { skipInvalid: true }).filter((o) => 'model' in o && 'done' in o);
  return {
    file,
    model,
    prompt,
    chunks,
    ...(payload ? { request: JSON.parse(payload[1]) } : {}),
    ...(debugChunks.some((c) => c.done === true) ? { debugChunks } : {}),
  };
}

function fencedBlocks(text: string): { lang: string; text: string }[] {
  const out: { lang: string; text: string }[] = [];
  const re = /^```(\w*)\n([\s\S]*?)^```/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ lang: m[1], text: m[2] });
  return out;
}

function parseCommand(command: string, file: string): { model: string; prompt: string } {
  const flag = (name: string): string | undefined => new RegExp(`-${name} "([^"]*)"`).exec(command)?.[1];
  const quoted = [...command.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
  const model = flag('m') ?? quoted[0];
  const prompt = flag('p') ?? quoted[1];
  if (!model || prompt === undefined) throw new Error(`${file}: cannot read model and prompt from "${command.trim()}"`);
  return { model, prompt };
}

/** Top-level JSON objects in order, whether one per line or pretty-printed; other lines are skipped. */
export function parseJsonObjects(text: string, file: string, opts: { skipInvalid?: boolean } = {}): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let line = 1;
  let startLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') line++;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (depth === 0 && ch !== '{') continue; // text between objects (e.g. [DEBUG] lines)
    if (ch === '"') inString = true;
    else if (ch === '{') {
      if (depth === 0) {
        start = i;
        startLine = line;
      }
      depth++;
    } else if (ch === '}') {
      depth--;
      if (depth === 0) {
        try {
          out.push(JSON.parse(text.slice(start, i + 1)) as Record<string, unknown>);
        } catch (err) {
          if (opts.skipInvalid) continue;
          throw new Error(`${file}: JSON object at line ${startLine} of the json block: ${(err as Error).message}`);
        }
      }
    }
  }
  if (depth !== 0) throw new Error(`${file}: unterminated JSON object starting at line ${startLine} of the json block`);
  return out;
}
