// The runner's GitHub environment for an end-to-end run: which repository, ref and commit the workflow is
// on, its run's id and attempt, and (for pull requests) an event payload file at GITHUB_EVENT_PATH.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const SERVER_URL = 'https://github.com'
export const REPOSITORY = 'acme/web'
export const RUN_ID = '9876543210'
export const RUN_ATTEMPT = '2'
/** The workflow run's page, as the action should name it. */
export const RUN_URL = `${SERVER_URL}/${REPOSITORY}/actions/runs/${RUN_ID}`

export interface GitHubEnvSpec {
  /** GITHUB_EVENT_NAME; by default `push`. */
  eventName?: string
  /** GITHUB_REF, e.g. `refs/heads/feature/x`. */
  ref: string
  /** GITHUB_SHA: for a pull request, the merge commit. */
  sha: string
  /** GITHUB_HEAD_REF: a pull request's head branch; empty otherwise, as the runner sets it. */
  headRef?: string
  /** The event payload written to GITHUB_EVENT_PATH; by default `{}`. */
  event?: unknown
}

const dirs: string[] = []

/** The variables the runner sets, with the event payload in a temporary file (see cleanUpGitHubEnv). */
export function githubEnv(spec: GitHubEnvSpec): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'codearts-event-'))
  dirs.push(dir)
  const eventPath = join(dir, 'event.json')
  writeFileSync(eventPath, JSON.stringify(spec.event ?? {}))
  return {
    GITHUB_SERVER_URL: SERVER_URL,
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_EVENT_NAME: spec.eventName ?? 'push',
    GITHUB_REF: spec.ref,
    GITHUB_SHA: spec.sha,
    GITHUB_HEAD_REF: spec.headRef ?? '',
    GITHUB_RUN_ID: RUN_ID,
    GITHUB_RUN_ATTEMPT: RUN_ATTEMPT,
    GITHUB_EVENT_PATH: eventPath
  }
}

/** A push (or tag push) to `ref` at `sha`. */
export function pushEnv(ref: string, sha: string): Record<string, string> {
  return githubEnv({ ref, sha, event: { ref, after: sha } })
}

/** A pull_request event: head branch `headRef` at `headSha` in `headRepo`, merged as `mergeSha`. */
export function pullRequestEnv(spec: {
  number?: number
  headRef: string
  headSha: string
  headRepo?: string
  mergeSha: string
}): Record<string, string> {
  const number = spec.number ?? 7
  return githubEnv({
    eventName: 'pull_request',
    ref: `refs/pull/${number}/merge`,
    sha: spec.mergeSha,
    headRef: spec.headRef,
    event: {
      number,
      pull_request: {
        number,
        head: {
          ref: spec.headRef,
          sha: spec.headSha,
          repo: { full_name: spec.headRepo ?? REPOSITORY }
        },
        base: { ref: 'main', repo: { full_name: REPOSITORY } }
      }
    }
  })
}

/** Removes the event files written so far. */
export function cleanUpGitHubEnv(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
}
