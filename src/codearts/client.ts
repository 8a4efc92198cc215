// The CodeArts Pipeline API as the wait needs it: URLs, auth headers, and answers read into `Answer`.
import { readAnswer, type Answer } from './answer.js'
import type { Auth } from './auth.js'
import { TransportError, type HttpResponse, type Transport } from './transport.js'

export interface ClientOptions {
  endpoint: string
  auth: Auth
  transport: Transport
  /**
   * Credentials to cut out of every answer before it is read: an API that echoes one back must not
   * carry it into logs, outputs or the summary, where a shortened copy would escape the runner's mask.
   */
  secrets: string[]
  now?: () => number
}

/** A certificate the runner does not trust will not become trusted by asking again. */
function isTlsTrustError(code: string | undefined): boolean {
  return (
    code !== undefined && /^(CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_|ERR_TLS_CERT_)/.test(code)
  )
}

function scrub(text: string, secrets: string[]): string {
  let clean = text
  for (const secret of secrets) {
    // Also the form a JSON encoder that escapes "/" would write.
    for (const form of new Set([secret, secret.replace(/\//g, '\\/')])) {
      clean = clean.split(form).join('***')
    }
  }
  return clean
}

const USER_AGENT = 'codearts-pipeline-action'

export class CodeArtsClient {
  constructor(private readonly options: ClientOptions) {}

  /** Status of run `runId` of the pipeline, or of its latest run when `runId` is undefined. */
  async status(pipelineId: string, runId: string | undefined, timeoutMs: number): Promise<Answer> {
    const query = runId === undefined ? '' : `?build_id=${encodeURIComponent(runId)}`
    const url = `${this.options.endpoint}/v3/pipelines/${encodeURIComponent(pipelineId)}/status${query}`
    try {
      const response = await this.options.transport.request({
        method: 'GET',
        url,
        headers: {
          Accept: 'application/json',
          'User-Agent': USER_AGENT,
          ...this.options.auth({ method: 'GET', url })
        },
        timeoutMs
      })
      return readAnswer(this.scrubbed(response), (this.options.now ?? Date.now)())
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      if (error instanceof TransportError && isTlsTrustError(error.code)) {
        return {
          kind: 'fatal',
          reason: `${reason}: the endpoint's TLS certificate is not trusted; check the endpoint input, or give the runner its CA with NODE_EXTRA_CA_CERTS`
        }
      }
      return { kind: 'transient', reason }
    }
  }

  private scrubbed(response: HttpResponse): HttpResponse {
    const { secrets } = this.options
    const location = response.headers.location
    return {
      status: response.status,
      headers:
        location === undefined
          ? response.headers
          : { ...response.headers, location: scrub(location, secrets) },
      body: scrub(response.body, secrets)
    }
  }
}
