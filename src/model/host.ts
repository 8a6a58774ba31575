/**
 * Resolving the Ollama server address the way the Ollama CLI does (envconfig.Host in
 * ollama/ollama): ollama-js ignores OLLAMA_HOST, so we read it ourselves.
 */

export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';
const DEFAULT_PORT = '11434';

/** What a valid host looks like, for every refusal. */
export const OLLAMA_HOST_EXAMPLE = 'e.g. http://127.0.0.1:11434 (or 127.0.0.1:11434, or :11434)';

function badHost(value: string, why: string): Error {
  return new Error(`Ollama host "${value}": ${why}; expected a server address, ${OLLAMA_HOST_EXAMPLE}`);
}

/**
 * Normalise a host setting into a base URL without a trailing slash.
 * Accepts "http://h:p", "h:p", "h", ":p", "0.0.0.0", "[::1]:p", "https://h" (default ports:
 * 11434 without a scheme, 80/443 with one, as the Ollama CLI does). Bind-all addresses
 * (0.0.0.0, ::, an empty host without a scheme) mean "this machine" to a client, so they
 * become 127.0.0.1. Throws a plain Error naming the bad value and showing a valid one when it
 * cannot be parsed: an empty value, a mistyped scheme ("htp:/x"), a scheme with no host
 * ("http://"), unbalanced IPv6 brackets, a port that is not a number.
 */
export function normalizeOllamaHost(value: string): string {
  const input = value.trim();
  if (input === '') throw badHost(value, 'it is empty');
  let scheme = 'http';
  let rest = input;
  let defaultPort = DEFAULT_PORT;
  const schemeSep = input.indexOf('://');
  if (schemeSep >= 0) {
    scheme = input.slice(0, schemeSep).toLowerCase();
    rest = input.slice(schemeSep + 3);
    if (scheme !== 'http' && scheme !== 'https') throw badHost(value, `only http:// and https:// are supported, not "${scheme}://"`);
    defaultPort = scheme === 'https' ? '443' : '80';
  } else if (/^[a-z][a-z0-9+.-]*:\/(?!\/)/i.test(input)) {
    throw badHost(value, 'the scheme is mistyped (a scheme is followed by "://")');
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
  } else if (/[[\]]/.test(hostPort)) {
    throw badHost(value, 'an IPv6 address must be written in matching brackets, as [::1]:11434');
  } else if ((hostPort.match(/:/g) ?? []).length > 1) {
    host = hostPort; // bare IPv6 literal without a port
    port = defaultPort;
  } else {
    const colon = hostPort.lastIndexOf(':');
    host = colon >= 0 ? hostPort.slice(0, colon) : hostPort;
    port = colon >= 0 ? hostPort.slice(colon + 1) : defaultPort;
  }
  if (port === '') throw badHost(value, 'the port after ":" is missing');
  if (!/^\d+$/.test(port) || Number(port) > 65535) throw badHost(value, `port "${port}" is not a number between 0 and 65535`);
  // "http://" names no server; ":11434" (no scheme) is the Ollama CLI's "this machine".
  if (host === '' && schemeSep >= 0) throw badHost(value, 'it names no host');
  if (host === '' || host === '0.0.0.0' || host === '::' || host === '[::]') host = '127.0.0.1';
  if (/[\s@#?]/.test(host)) throw badHost(value, `"${host}" is not a host name`);
  if (/\s/.test(path)) throw badHost(value, `the path "${path}" contains spaces`);
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const url = `${scheme}://${hostPart}:${port}${path}`;
  try {
    new URL(url);
  } catch {
    throw badHost(value, 'it is not a valid URL');
  }
  return url;
}

/** Explicit setting first, then OLLAMA_HOST, then the default; an empty value counts as unset. */
export function resolveOllamaHost(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit !== undefined && explicit.trim() !== '') return normalizeOllamaHost(explicit);
  const fromEnv = env.OLLAMA_HOST;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return normalizeOllamaHost(fromEnv);
  return DEFAULT_OLLAMA_HOST;
}
