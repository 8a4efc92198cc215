// What a v5 start builds: the `ref` input, else the workflow's own ref when the pipeline's code source is
// this repository, else the pipeline's default branch. Never a guess: anything unclear is a problem,
// reported before the start is sent.
import type { CodeSource } from './codearts/v5-sources.js'
import { describeRef, type GitRef } from './git-ref.js'
import { quote } from './quote.js'
import { isWorkflowRepository, type Workflow } from './workflow.js'

export type BuildChoice =
  /** Build `ref` of `source`; `own`: the workflow's own ref, chosen by the action. */
  | { kind: 'ref'; source: CodeSource; ref: GitRef; own: boolean }
  /** Send no source: CodeArts builds the pipeline's default branch. */
  | { kind: 'default'; reason: string }
  | { kind: 'problem'; message: string }

function sourceName(source: CodeSource): string {
  // Credentials a URL may carry (`https://user:token@host/...`) are not for a message.
  const url = source.gitUrl?.replace(/^([a-z+]+:\/\/)[^@/]*@/i, '$1')
  return quote(source.alias ?? source.repoName ?? url ?? '(unnamed)')
}

function names(sources: CodeSource[]): string {
  return sources.map(sourceName).join(', ')
}

export function chooseBuild(
  sources: CodeSource[],
  ref: GitRef | undefined,
  workflow: Workflow
): BuildChoice {
  const own = sources.filter(source => isWorkflowRepository(source.gitUrl, workflow))
  if (own.length > 1) {
    return {
      kind: 'problem',
      message: `the pipeline has ${own.length} code sources that are this repository (${names(own)}), so which one to build is not clear`
    }
  }
  const target = own[0] ?? (ref && sources.length === 1 ? sources[0] : undefined)
  if (ref) {
    if (!target) {
      return {
        kind: 'problem',
        message:
          sources.length === 0
            ? `the pipeline has no code source, so ref ${quote(ref.name)} cannot be built`
            : `input "ref" applies to the code source that is this repository (${workflow.repositoryUrl ?? 'unknown'}) or to a pipeline's only source, and the pipeline has ${sources.length}, none of them this repository: ${names(sources)}`
      }
    }
    return checked({ kind: 'ref', source: target, ref, own: false })
  }
  if (!target) {
    return {
      kind: 'default',
      reason:
        sources.length === 0
          ? 'the pipeline has no code source'
          : `its code source is not this repository (${names(sources)})`
    }
  }
  if (workflow.forkOf) {
    return {
      kind: 'problem',
      message: `the pull request comes from the fork ${quote(workflow.forkOf)}, whose branch CodeArts cannot build from this repository; set input "ref" to choose a branch or tag`
    }
  }
  if (!workflow.ref) {
    return {
      kind: 'problem',
      message: `the workflow's ref ${quote(workflow.refText ?? '(none)')} is not a branch or tag CodeArts can build; set input "ref"`
    }
  }
  return checked({ kind: 'ref', source: target, ref: workflow.ref, own: true })
}

/** A source the run request cannot name (the SDK requires both) is a problem, not a start to try. */
function checked(choice: Extract<BuildChoice, { kind: 'ref' }>): BuildChoice {
  if (choice.source.gitType && choice.source.gitUrl) return choice
  return {
    kind: 'problem',
    message: `the pipeline's code source ${sourceName(choice.source)} has no git_type or git_url in its definition, so ${describeRef(choice.ref)} cannot be asked for`
  }
}
