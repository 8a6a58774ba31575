/**
 * A pure function of a string, remembered. Answer reading asks the same few values and words of
 * every episode of a trace again; the memory is bounded by dropping it whole when `limit` entries
 * are held (cheap, and the inputs that recur come back at once).
 */
export function rememberedByText<T>(compute: (text: string) => T, limit: number): (text: string) => T {
  const memory = new Map<string, T>();
  return (text) => {
    let value = memory.get(text);
    if (value === undefined) {
      if (memory.size >= limit) memory.clear();
      memory.set(text, (value = compute(text)));
    }
    return value;
  };
}
