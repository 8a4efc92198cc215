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
