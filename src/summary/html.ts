// Server text as HTML: escaped so that nothing the API sends becomes markup, and links only to the web.
import { clip, INVISIBLE, quote, webUrl } from '../quote.js'
import { NAME_CHARS } from './text.js'

const MAX_CELL_CHARS = 2000
// Longer links are not links: no browser or server takes them, and they would crowd out the rest.
const MAX_URL_CHARS = 4096

/**
 * Server text as HTML, with XML's five entities and no others: the runner masks a secret in the summary
 * in that form too, so a workflow secret passed as a run parameter stays masked. Invisible characters
 * go, a newline becomes <br>. `|` and backticks need no entity: every line of server text is inside an
 * HTML block (no blank line can end it), where Markdown does not apply.
 */
export function escapeText(value: string): string {
  return value
    .replace(INVISIBLE, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r?\n/g, '<br>')
    .replace(/[\p{Cc}\u2028\u2029]/gu, ' ')
}

/** Text as HTML (see escapeText), cut to a cell's length first. */
export function escapeHtml(value: string): string {
  return escapeText(clip(value, MAX_CELL_CHARS))
}

/** A name on one line, as HTML. */
export function nameHtml(value: string, max = NAME_CHARS): string {
  return escapeText(quote(value, max))
}

/** Lines as a <pre>, on one line of the summary (a line break is <br>, so no blank line can occur). */
export function pre(lines: string[]): string {
  return `<pre>${lines.map(escapeText).join('<br>')}</pre>`
}

/** The URL as a link target, or null: only web links, so a javascript: or data: URL is no link. */
export function linkable(url: string | null): string | null {
  const href = webUrl(url)
  return href && href.length <= MAX_URL_CHARS ? href : null
}

export function link(url: string | null, html: string): string {
  const href = linkable(url)
  return href ? `<a href="${escapeText(href)}">${html}</a>` : html
}
