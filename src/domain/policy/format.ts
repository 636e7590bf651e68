/** `a`, `a or b`, `a, b or c`: role names in a sentence. */
export function orList(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '(nobody)';
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}
