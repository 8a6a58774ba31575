/**
 * Resolving the Ollama server address the way the Ollama CLI does (envconfig.Host in
 * ollama/ollama): ollama-js ignores OLLAMA_HOST, so we read it ourselves.
 */

export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';
const DEFAULT_PORT = '11434';

/**
 * Normalise a host setting into a base URL without a trailing slash.
 * Accepts "http://h:p", "h:p", "h", ":p", "0.0.0.0", "[::1]:p", "https://h" (default ports:
 * 11434 without a scheme, 80/443 with one, as the Ollama CLI does). Bind-all addresses
 * (0.0.0.0, ::, empty host) mean "this machine" to a client, so they become 127.0.0.1.
 * Throws a plain Error naming the bad value when it cannot be parsed.
 */
export function normalizeOllamaHost(value: string): string {
  const input = value.trim();
  if (input === '') return DEFAULT_OLLAMA_HOST;
  let scheme = 'http';
  let rest = input;
  let defaultPort = DEFAULT_PORT;
  const schemeSep = input.indexOf('://');
  if (schemeSep >= 0) {
    scheme = input.slice(0, schemeSep).toLowerCase();
    rest = input.slice(schemeSep + 3);
    if (scheme !== 'http' && scheme !== 'https') {
      throw new Error(`Ollama host "${value}": only http:// and https:// are supported`);
    }
    defaultPort = scheme === 'https' ? '443' : '80';
  }
  const slash = rest.indexOf('/');
  const path = slash >= 0 ? rest.slice(slash).replace(/\/+$/, '') : '';
  const hostPort = slash >= 0 ? rest.slice(0, slash) : rest;
  let host: string;
  let port: string;
  const bracketed = /^\[([^\]]*)\](?::(\d*))?$/.exec(hostPort);
  if (bracketed) {
    host = bracketed[1];
    port = bracketed[2] || defaultPort;
  } else if ((hostPort.match(/:/g) ?? []).length > 1) {
    host = hostPort; // bare IPv6 literal without a port
    port = defaultPort;
  } else {
    const colon = hostPort.lastIndexOf(':');
    host = colon >= 0 ? hostPort.slice(0, colon) : hostPort;
    port = colon >= 0 ? hostPort.slice(colon + 1) : defaultPort;
  }
  if (!/^\d+$/.test(port) || Number(port) > 65535) {
    throw new Error(`Ollama host "${value}": port "${port}" is not a number between 0 and 65535`);
  }
  if (host === '' || host === '0.0.0.0' || host === '::' || host === '[::]') host = '127.0.0.1';
  if (/[\s@#?]/.test(host)) {
    throw new Error(`Ollama host "${value}": "${host}" is not a host name`);
  }
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return `${scheme}://${hostPart}:${port}${path}`;
}

/** Explicit setting first, then OLLAMA_HOST, then the default. */
export function resolveOllamaHost(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit !== undefined && explicit.trim() !== '') return normalizeOllamaHost(explicit);
  const fromEnv = env.OLLAMA_HOST;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return normalizeOllamaHost(fromEnv);
  return DEFAULT_OLLAMA_HOST;
}
