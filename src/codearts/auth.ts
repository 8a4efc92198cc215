// How a request proves who sends it. One Auth per credential method, so the client stays the same
// whichever the user has; and what to tell the user when the gateway refuses them.
import type { Credentials } from '../credentials.js'
import { describeCredentials, ENV_ACCESS_KEY, ENV_SECRET_KEY } from '../credentials.js'
import type { FailedAnswer, Refusal } from './answer.js'

export interface SignableRequest {
  method: string
  url: string
  /** The headers that will be sent (besides Host); signing covers all of them. */
  headers: Record<string, string>
  body: string
}

export interface Auth {
  /** Headers that authenticate `request`; rejects with AuthFailure when they cannot be had. */
  headers(request: SignableRequest, timeoutMs: number): Promise<Record<string, string>>
  /** After the API called the token expired: true when fresh credentials are worth one more try. */
  renew(): boolean
}

/** Credentials could not be had (e.g. the login failed); `answer` says what that means for the wait. */
export class AuthFailure extends Error {
  override name = 'AuthFailure'
  constructor(readonly answer: FailedAnswer) {
    super(answer.reason)
  }
}

/** An IAM token, sent as is. */
export function tokenAuth(token: string): Auth {
  return {
    headers: () => Promise.resolve({ 'X-Auth-Token': token }),
    renew: () => false
  }
}

/** Access keys: every request signed (SDK-HMAC-SHA256) at the moment it is sent. */
export function accessKeyAuth(
  keys: { accessKey: string; secretKey: string; securityToken: string | undefined },
  now: () => number = Date.now
): Auth {
  return {
    // Loaded on first use: node:crypto costs start-up that token users need not pay.
    headers: async request => {
      const { signRequest } = await import('./signer.js')
      return signRequest(request, keys, new Date(now()))
    },
    renew: () => false
  }
}

// What to do about each refusal, by the gateway's code and the method in use.
function adviceFor(credentials: Credentials, code: string | undefined, status: number): string {
  const method = describeCredentials(credentials)
  const check =
    credentials.method === 'token'
      ? 'check that the token input holds a current IAM token'
      : credentials.method === 'iam-password'
        ? 'check iam-username, iam-password and iam-domain'
        : credentials.from === 'environment'
          ? `check ${ENV_ACCESS_KEY} and ${ENV_SECRET_KEY} (and that temporary keys come with their security token)`
          : 'check access-key and secret-key (and that temporary keys come with security-token)'
  switch (code) {
    case 'APIGW.0301':
      return `the gateway did not accept ${method}: ${check}; five failures in a row lock the caller out for 5 minutes, so the action does not retry`
    case 'APIGW.0303':
      return `the gateway found the request's time more than 15 minutes off its clock (using ${method}): fix the runner's clock`
    case 'APIGW.0307':
      if (credentials.method === 'token')
        return `${method} must be updated: it expired (tokens live 24 hours) or was revoked; issue a new one, or use access keys, which do not expire`
      if (credentials.method === 'iam-password')
        return `the token from ${method} was refused as expired or revoked (a new login is tried once per step)`
      return credentials.securityToken
        ? `the security token of ${method} has expired: get new temporary credentials`
        : `the gateway called the credentials of ${method} expired: ${check}`
    case 'DEV.00000001':
      return `the API recognised no credentials in the request (using ${method}): ${check}, and that the endpoint is the CodeArts Pipeline API`
  }
  if (status === 403) {
    return `access denied: the IAM user of ${method} needs permission for this pipeline in CodeArts`
  }
  return `the API refused ${method}: ${check}`
}

/** What to do about a refusal, naming the method in use; `code` is the API's error code, if any. */
export function refusalAdvice(credentials: Credentials, refusal: Refusal): string {
  return adviceFor(credentials, refusal.code, refusal.status)
}
