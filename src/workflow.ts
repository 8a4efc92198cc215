// The workflow run this step is part of, as the runner's environment tells it: which repository and
// ref it is on, which commit it is for, and its own address.
import { parseRef, type GitRef } from './git-ref.js'

export interface Workflow {
  /** `https://github.com/owner/name`, when the runner says. */
  repositoryUrl: string | undefined
  repository: string | undefined
  /** The branch or tag the workflow is on: a pull request's head branch for pull request events. */
  ref: GitRef | undefined
  /** What GITHUB_REF or GITHUB_HEAD_REF said, for messages when it is not a branch or tag. */
  refText: string | undefined
  /** The commit the workflow is for: a pull request's head commit for pull request events. */
  commit: string | undefined
  /** `owner/name` of a pull request's head repository when it is another (a fork). */
  forkOf: string | undefined
  /** The workflow run's page and attempt, for a CodeArts user to find what started a run. */
  runUrl: string | undefined
  runAttempt: string | undefined
}

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target'])

interface PullRequestEvent {
  pull_request?: { head?: { sha?: unknown; repo?: { full_name?: unknown } } }
}

/** `env` is the runner's environment; `event` the parsed GITHUB_EVENT_PATH file, when readable. */
export function workflowOf(env: Record<string, string | undefined>, event: unknown): Workflow {
  const server = env.GITHUB_SERVER_URL?.replace(/\/+$/, '')
  const repository = env.GITHUB_REPOSITORY || undefined
  const repositoryUrl = server && repository ? `${server}/${repository}` : undefined
  const pullRequest = PULL_REQUEST_EVENTS.has(env.GITHUB_EVENT_NAME ?? '')
    ? ((event as PullRequestEvent | null)?.pull_request ?? {})
    : undefined
  const refText = pullRequest ? env.GITHUB_HEAD_REF || undefined : env.GITHUB_REF || undefined
  const headSha = pullRequest?.head?.sha
  const headRepo = pullRequest?.head?.repo?.full_name
  return {
    repositoryUrl,
    repository,
    ref: refText === undefined ? undefined : parseRef(refText),
    refText,
    commit: typeof headSha === 'string' ? headSha : pullRequest ? undefined : env.GITHUB_SHA,
    forkOf:
      typeof headRepo === 'string' &&
      repository &&
      headRepo.toLowerCase() !== repository.toLowerCase()
        ? headRepo
        : undefined,
    runUrl:
      repositoryUrl && env.GITHUB_RUN_ID
        ? `${repositoryUrl}/actions/runs/${env.GITHUB_RUN_ID}`
        : undefined,
    runAttempt: env.GITHUB_RUN_ATTEMPT || undefined
  }
}

/** A repository URL reduced to compare: no scheme, credentials, `.git` or trailing slash; lower case. */
function repositoryKey(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/^[a-z+]+:\/\/(?:[^@/]*@)?/, '')
    .replace(/^[^@/]*@([^:/]+):/, '$1/')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
}

/** Whether `gitUrl` (a pipeline source's) is the workflow's own repository. */
export function isWorkflowRepository(gitUrl: string | null, workflow: Workflow): boolean {
  return (
    gitUrl !== null &&
    workflow.repositoryUrl !== undefined &&
    repositoryKey(gitUrl) === repositoryKey(workflow.repositoryUrl)
  )
}
