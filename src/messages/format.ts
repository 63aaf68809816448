import { describe } from "./describe";

/** Messages of the format wing: printing tensors and their HTML tables. */
export const format = {
  /** Option slice of the wrong length or type for a tensor of `rank`. */
  badSlice: (fn: string, rank: number, value: unknown) =>
    `${fn}: option slice must list ${rank - 2} leading indices (one for each axis before the last two), received ${describe(value)}.`,
  sliceOutOfRange: (fn: string, axis: number, index: number, size: number) =>
    `${fn}: slice index ${index} on axis ${axis} is out of range [0, ${size - 1}].`,
  htmlRank: (fn: string, rank: number) =>
    `${fn}: a tensor of rank ${rank} has no table view; pass a 1-D or 2-D tensor, or a higher-rank one with option slice.`,
} as const;
