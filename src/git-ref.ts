// Branches and tags: the `ref` input, the workflow's own ref, and what a v5 start sends for one.

export interface GitRef {
  kind: 'branch' | 'tag'
  name: string
}

export const REF_RULE = 'refs/heads/NAME, refs/tags/NAME or a branch name'

/** What git allows in a branch or tag name (git check-ref-format, as far as CodeArts could use it). */
function isRefName(name: string): boolean {
  if (name === '' || name.length > 255 || name === '@' || name.startsWith('-')) return false
  if (/[\s\p{Cc}~^:?*[\\]|\.\.|@\{/u.test(name) || name.endsWith('.')) return false
  return name
    .split('/')
    .every(part => part !== '' && !part.startsWith('.') && !part.endsWith('.lock'))
}

/** `refs/heads/NAME`, `refs/tags/NAME` or a bare branch name; undefined for anything else. */
export function parseRef(text: string): GitRef | undefined {
  const [, prefix, name = text] = /^refs\/(heads|tags)\/(.*)$/.exec(text) ?? []
  if (prefix === undefined && text.startsWith('refs/')) return undefined
  if (!isRefName(name)) return undefined
  return { kind: prefix === 'tags' ? 'tag' : 'branch', name }
}

export function describeRef(ref: GitRef): string {
  return `${ref.kind} ${ref.name}`
}
