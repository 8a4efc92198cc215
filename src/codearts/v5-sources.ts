// What a v5 run is built from, after the SDK's PipelineDTO / CodeSource / CodeSourceParams (the pipeline's
// definition) and PipelineRunBuildParams (a listed run): the repositories, and the commit a run built.
// Lenient like the run detail: what cannot be read becomes null.
import { z } from 'zod'
import { list, text } from './wire.js'

/** A code source of the pipeline, as a start request must name it. */
export interface CodeSource {
  gitType: string | null
  gitUrl: string | null
  webUrl: string | null
  repoName: string | null
  defaultBranch: string | null
  alias: string | null
  codehubId: string | null
  endpointId: string | null
}

const sourceParams = z
  .object({
    git_type: text,
    git_url: text,
    web_url: text,
    repo_name: text,
    default_branch: text,
    alias: text,
    codehub_id: text,
    endpoint_id: text
  })
  .transform((p): CodeSource => ({
    gitType: p.git_type,
    gitUrl: p.git_url,
    webUrl: p.web_url,
    repoName: p.repo_name,
    defaultBranch: p.default_branch,
    alias: p.alias,
    codehubId: p.codehub_id,
    endpointId: p.endpoint_id
  }))
  .nullable()
  .catch(null)

const definition = z.object({
  // Only `code` sources build code; a source without params names nothing to build.
  sources: list(
    z
      .object({ type: text, params: sourceParams })
      .transform(s => (s.type !== null && s.type !== 'code' ? null : s.params))
  )
})

/** The code sources of a pipeline definition; null when the body is not an object at all. */
export function parseSources(body: unknown): CodeSource[] | null {
  return definition.safeParse(body).data?.sources ?? null
}

/** What a run was built from: branch or tag, and the commit. */
export interface BuildParams {
  buildType: string | null
  branch: string | null
  tag: string | null
  commitId: string | null
  gitUrl: string | null
}

export const buildParams = z
  .object({
    build_type: text,
    target_branch: text,
    tag: text,
    commit_id: text,
    git_url: text
  })
  .transform((p): BuildParams => ({
    buildType: p.build_type,
    branch: p.target_branch,
    tag: p.tag,
    commitId: p.commit_id,
    gitUrl: p.git_url
  }))
  .nullable()
  .catch(null)

export interface ListedRun {
  runId: string | null
  build: BuildParams | null
}

const runsList = z.object({
  total: text.transform(t => (t !== null && /^\d+$/.test(t) ? Number(t) : null)),
  pipeline_runs: list(
    z
      .object({ pipeline_run_id: text, build_params: buildParams })
      .transform((r): ListedRun => ({ runId: r.pipeline_run_id, build: r.build_params }))
  )
})

/** One page of `POST .../pipeline-runs/list`; null when the body is not an object at all. */
export function parseRunsList(body: unknown): { runs: ListedRun[]; total: number | null } | null {
  const page = runsList.safeParse(body).data
  return page ? { runs: page.pipeline_runs, total: page.total } : null
}
