/**
 * Reproducible runs, like R's `set.seed()` or Keras's `set_random_seed()`: TensorFlow.js draws every
 * unseeded random number (weight initialisers, dropout, the shuffling in `fit`) from `Math.random`,
 * so seeding it makes a notebook train the same way every time on the same backend.
 */
import { integer } from "./options";

let state = 0;
let seeded: (() => number) | null = null;

/**
 * Replace `Math.random` in this process with a seeded generator (mulberry32).
 *
 * @example dd.setSeed(2022)   // then build and fit: the same weights and accuracy every run
 */
export function setSeed(seed: number): void {
  state = integer("setSeed", "seed", seed, 0, 2 ** 32 - 1) >>> 0;
  seeded = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  Math.random = seeded;
}

/** The seeded generator's position, or null while Math.random is not deepdeck's seeded one. */
export function randomState(): number | null {
  return seeded !== null && Math.random === seeded ? state : null;
}

/** Move the seeded generator to a position {@link randomState} returned (the training cache restores it after a run). */
export function setRandomState(position: number): void {
  if (seeded === null || Math.random !== seeded) return;
  state = position >>> 0;
}
