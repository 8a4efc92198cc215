// The summary's size: GitHub takes at most 1 MiB per step, so each part has a share of it and shows
// what fits.

export const SUMMARY_LIMIT_BYTES = 1024 * 1024
// Room for the notes and closing tags, with a margin for the runner's own additions.
export const BUDGET_BYTES = SUMMARY_LIMIT_BYTES - 16 * 1024
// The "What failed" list may take this much, so the table after it keeps room.
export const FAILED_BUDGET_BYTES = BUDGET_BYTES / 4
// The folded run details (parameters, artifacts) may take this much.
export const DETAILS_BUDGET_BYTES = 96 * 1024

/** How many of `rows` fit in `room` bytes, a newline after each; rendered only as far as needed. */
export function fitting<T>(rows: T[], render: (row: T) => string, room: number): string[] {
  const shown: string[] = []
  let used = 0
  for (const row of rows) {
    const html = render(row)
    used += Buffer.byteLength(html) + 1
    if (used > room) break
    shown.push(html)
  }
  return shown
}
