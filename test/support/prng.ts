/**
 * Seeded pseudo-random numbers for tests that need sampling noise but must be deterministic:
 * the same seed and key give the same number on every run and machine.
 */

/** FNV-1a over the key's UTF-16 units: a 32-bit hash to seed the generator with. */
function hash32(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** mulberry32: a small generator with good equidistribution for test-sized samples. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A generator seeded by a number and any number of key parts. */
export function seededRandom(seed: number, ...key: (string | number)[]): () => number {
  const r = mulberry32(hash32(`${seed}\u0000${key.join('\u0000')}`));
  r(); // the first output of a fresh state is the least mixed
  return r;
}

/** One uniform draw in [0, 1) for (seed, key...): independent across keys. */
export function seededUniform(seed: number, ...key: (string | number)[]): number {
  return seededRandom(seed, ...key)();
}
