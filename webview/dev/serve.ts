/**
 * Static server for the dev harness: serves the repo root (dist/, webview/dev/) on 127.0.0.1.
 * Usage: node --import tsx webview/dev/serve.ts [port]  then open /webview/dev/index.html?sample=real-0
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.ttf': 'font/ttf', '.woff2': 'font/woff2', '.woff': 'font/woff', '.map': 'application/json',
};

export function serveHarness(port = 0): Promise<{ server: Server; url: string }> {
  const root = resolve(__dirname, '../..');
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(root, path);
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((done) => server.listen(port, '127.0.0.1', () => {
    const address = server.address();
    const actual = typeof address === 'object' && address ? address.port : port;
    done({ server, url: `http://127.0.0.1:${actual}` });
  }));
}

if (require.main === module) {
  void serveHarness(Number(process.argv[2] ?? 8787)).then(({ url }) => console.log(`harness at ${url}/webview/dev/index.html?sample=real-0`));
}
