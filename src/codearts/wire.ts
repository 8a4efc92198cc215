// zod pieces for the API's wire shapes read once or a few times a step (the pipeline's definition, the
// runs list), lenient where the API is loose: a field that is missing, null or of the wrong type reads as
// null (a list as []), and nothing a server sends can make a parse throw. The schemas declare only the
// fields the action reads. The status bodies read on every poll keep their hand-written readers (v3.ts,
// v5.ts): in zod they were longer, and a 200-poll wait peaked 12 MB higher (docs/design-decisions.md).
import { z } from 'zod'

/**
 * A string field: a string, or a finite number written out (ids and durations come as either); null for
 * '', anything else, or nothing.
 */
export const text = z
  .union([z.string(), z.number().transform(String)])
  .nullish()
  .transform(value => value || null)
  .catch(null)

/** The entries of an array that read as an `item` (not null); an entry that does not is dropped. */
export function entries<Item extends z.ZodType>(item: Item) {
  return z
    .array(item.nullable().catch(null))
    .transform(all => all.filter((entry): entry is NonNullable<typeof entry> => entry != null))
}

/** `entries`, and [] for anything that is not an array. */
export function list<Item extends z.ZodType>(item: Item) {
  return entries(item).catch([])
}
