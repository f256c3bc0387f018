/**
 * String.prototype's methods, called through these rather than as `text.charCodeAt(index)`. A call
 * site that sees strings of several kinds (flat, concatenated by a template, sliced, internalized:
 * a path the application built, a name read from a frame, a constant) goes megamorphic, and V8's
 * optimized code then looks the method up on the string at every call: once per code unit in a
 * loop. That lookup (`Builtins_LoadIC` under `perf`) was 9 to 10% of a primary's CPU, in the binary
 * encoder's name loops, and 8% of a secondary's, in the decoder's.
 *
 * The method is named where it is called, not kept in a module variable: V8 folds
 * `String.prototype.charCodeAt` to a constant and inlines it, where a variable's function is called
 * through the builtin (about three times as slow in a loop of names).
 */
export function codeUnitAt(text: string, index: number): number {
  return String.prototype.charCodeAt.call(text, index);
}

export function isWellFormedText(text: string): boolean {
  return String.prototype.isWellFormed.call(text);
}
