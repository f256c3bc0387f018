/**
 * Where toxiproxy's slicer cuts a chunk of `length` bytes: in about two halves (the middle moved by
 * up to ± size_variation), recursively, until a piece is no more than average_size + size_variation
 * bytes. Returns the end offset of each piece, in order. Unlike toxiproxy, a piece is never empty
 * and a cut never leaves the chunk, whatever the attributes (toxiproxy recurses forever on
 * average_size 0); the pieces are kept on a list rather than the call stack, so skewed cuts cannot
 * overflow it.
 */
export function slicerPieceEnds(length: number, averageSize: number, sizeVariation: number): number[] {
  const ends: number[] = [];
  const pending: [number, number][] = [[0, length]];
  for (let piece = pending.pop(); piece !== undefined; piece = pending.pop()) {
    const [start, end] = piece;
    if (end - start - averageSize <= sizeVariation || end - start <= 1) {
      if (end > start) ends.push(end);
      continue;
    }
    const middle = cutPoint(start, end, sizeVariation);
    // The right half is taken after the left one: pushed first.
    pending.push([middle, end], [start, middle]);
  }
  return ends;
}

function cutPoint(start: number, end: number, sizeVariation: number): number {
  const shift = sizeVariation > 0 ? Math.floor(Math.random() * 2 * sizeVariation) - sizeVariation : 0;
  return Math.min(end - 1, Math.max(start + 1, start + Math.floor((end - start) / 2) + shift));
}
