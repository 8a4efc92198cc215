// How a request proves who sends it. One function per credential kind, so the client stays the same
// whichever the user has.

export interface SignableRequest {
  method: string
  url: string
}

/** Headers that authenticate `request`. */
export type Auth = (request: SignableRequest) => Record<string, string>

/** An IAM token, sent as is. */
export function tokenAuth(token: string): Auth {
  return () => ({ 'X-Auth-Token': token })
}
