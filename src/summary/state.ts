// Where a stage, job, step or gate stands, read from either API's words.
import { quote } from '../quote.js'
import type { Task } from '../model.js'

/** Where a stage or task stands, whichever API's words said so. */
export type ItemState =
  'success' | 'failed' | 'aborted' | 'running' | 'waiting' | 'skipped' | 'unknown'

export const STATE_ICON: Record<ItemState, string> = {
  success: '✅',
  failed: '❌',
  aborted: '⛔',
  running: '🔄',
  waiting: '⏳',
  skipped: '⏭️',
  unknown: '❔'
}

// v3 (`running`, outcome `error`) and v5 (`RUNNING`, `FAILED`) words, lower-cased. `completed` is not
// here: in v3 it says only that an item ended, and its outcome says how.
const STATE_OF_WORD: Record<string, ItemState> = {
  success: 'success',
  succeeded: 'success',
  error: 'failed',
  failed: 'failed',
  failure: 'failed',
  async_failed: 'failed',
  aborted: 'aborted',
  cancelled: 'aborted',
  canceled: 'aborted',
  stopped: 'aborted',
  running: 'running',
  async_running: 'running',
  redispatch: 'running',
  in_progress: 'running',
  waiting: 'waiting',
  queued: 'waiting',
  init: 'waiting',
  pending: 'waiting',
  paused: 'waiting',
  suspend: 'waiting',
  suspending: 'waiting',
  verifying: 'waiting',
  skipped: 'skipped',
  ignored: 'skipped',
  unselected: 'skipped'
}

/** The word as a lookup key: ASCII words only, so no look-alike letter can pass for a known one. */
export function wordKey(word: string | null): string | undefined {
  if (word === null || !/^[A-Za-z_ -]+$/.test(word)) return undefined
  return word.trim().toLowerCase().replace(/[ -]/g, '_')
}

function stateOfWord(word: string | null): ItemState | undefined {
  const key = wordKey(word)
  return key !== undefined && Object.hasOwn(STATE_OF_WORD, key) ? STATE_OF_WORD[key] : undefined
}

/** The outcome decides when there is one; the status otherwise. */
export function itemState(item: Pick<Task, 'status' | 'outcome'>): ItemState {
  return stateOfWord(item.outcome) ?? stateOfWord(item.status) ?? 'unknown'
}

/** Waiting words of an item that has begun and stopped for something: not "not started". */
const HELD: Record<string, [icon: string, words: string]> = {
  paused: ['⏸️', 'Paused'],
  suspend: ['⏸️', 'Suspended'],
  suspending: ['⏸️', 'Suspended'],
  verifying: ['⏳', 'Awaiting review']
}

/** The icon and words of an item held (paused, awaiting review), by its status; else undefined. */
export function held(status: string | null): [icon: string, words: string] | undefined {
  const key = wordKey(status) ?? ''
  // Own keys only: a status of `constructor` or `__proto__` is a word from the server, not a lookup.
  return Object.hasOwn(HELD, key) ? HELD[key] : undefined
}

/** An item that has not begun (waiting, queued), as against paused or awaiting a review. */
export function notStarted(item: Pick<Task, 'status' | 'outcome'>): boolean {
  return itemState(item) === 'waiting' && held(item.status) === undefined
}

/** Not started, or skipped. */
export function notReached(item: Task): boolean {
  return notStarted(item) || itemState(item) === 'skipped'
}

/** Failed, or ended in a way no word says and with an error message. Cancelled is not failed. */
export function isFailure(item: Task): boolean {
  const state = itemState(item)
  return state === 'failed' || (state === 'unknown' && item.errorMessage !== null)
}

/** The item's status and outcome as the server wrote them, each on one line. */
export function statusWords(item: Pick<Task, 'status' | 'outcome'>): string[] {
  return [item.status, item.outcome].filter(w => w !== null).map(w => quote(w, 40))
}
