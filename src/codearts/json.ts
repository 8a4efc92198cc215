// Lenient reading of JSON from the API: a value of the wrong type reads as absent, never as an error.

export type Json = Record<string, unknown>

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A string (or a finite number, as text); null for '', anything else, or nothing. */
export function text(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return null
}

/** The objects in an array; [] for anything that is not an array. */
export function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : []
}

// A run's stages, jobs, steps and gates are read up to this many in all; the rest is counted, not read.
// A body within the size cap can hold millions of empty items, and every item read costs memory, log
// lines and summary rows; no pipeline a person reads has more than a few hundred.
export const MAX_ITEMS = 5_000

/** Takes items from lists while the budget lasts, counting what it leaves out. */
export class ItemBudget {
  leftOut = 0
  private left = MAX_ITEMS

  take<T>(items: T[]): T[] {
    const kept = items.slice(0, Math.max(0, this.left))
    this.left -= kept.length
    this.leftOut += items.length - kept.length
    return kept
  }
}
