// What a run built, against what the workflow is on: the commit output, and a plain warning when the
// workflow's own branch moved on before CodeArts built it.
import type { BuildChoice } from './build-choice.js'
import { describeRef } from './git-ref.js'
import type { BuiltSource, Run } from './model.js'
import { isWorkflowRepository, type Workflow } from './workflow.js'

/**
 * Whether `listed` (a full SHA or an abbreviation of at least 7 hex digits, as the API gives it) and
 * `wanted` (lower-case) name the same commit.
 */
export function sameCommit(listed: string | null, wanted: string): boolean {
  const sha = listed?.toLowerCase() ?? ''
  if (!/^[0-9a-f]{7,40}$/.test(sha)) return false
  return sha.startsWith(wanted) || wanted.startsWith(sha)
}

/** The run's source that is this repository, else its only source. */
export function builtSource(run: Run | null, workflow: Workflow): BuiltSource | undefined {
  const sources = run?.sources ?? []
  return (
    sources.find(s => isWorkflowRepository(s.gitUrl, workflow)) ??
    (sources.length === 1 ? sources[0] : undefined)
  )
}

/** `https://host/owner/repo/commit/SHA` when the source's address is a web one; else undefined. */
export function commitUrl(source: BuiltSource): string | undefined {
  const base = (source.webUrl ?? source.gitUrl ?? '').replace(/\.git$/, '').replace(/\/+$/, '')
  if (!source.commit || !/^https?:\/\/[^\s/@]+\/\S+$/i.test(base)) return undefined
  return `${base}/commit/${source.commit}`
}

/**
 * When the action chose the workflow's own ref and CodeArts built another commit than the workflow's,
 * the sentence that says so; undefined when they agree or cannot be compared.
 */
export function commitMismatch(
  choice: BuildChoice | undefined,
  built: BuiltSource | undefined,
  workflow: Workflow
): string | undefined {
  if (choice?.kind !== 'ref' || !choice.own || !built?.commit || !workflow.commit) return undefined
  const wanted = workflow.commit.toLowerCase()
  if (sameCommit(built.commit, wanted)) return undefined
  return (
    `CodeArts built commit ${built.commit.slice(0, 12)} of ${describeRef(choice.ref)}, not this ` +
    `workflow's commit ${wanted.slice(0, 12)}: the ${choice.ref.kind} moved on since the workflow started.`
  )
}
