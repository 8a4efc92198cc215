// Which credentials the step uses: exactly one method, chosen by a fixed precedence, from inputs or
// from the variables huaweicloud/auth-action exports. Pure: input-helper.ts feeds it the raw values.
import { IAM_ENDPOINT_EXAMPLE, parseEndpoint, regionIamEndpoint } from './endpoint.js'

export type Credentials =
  | { method: 'token'; token: string }
  | {
      method: 'access-keys'
      /** Where the keys came from, for messages: inputs, or huaweicloud/auth-action's variables. */
      from: 'inputs' | 'environment'
      accessKey: string
      secretKey: string
      securityToken: string | undefined
    }
  | {
      method: 'iam-password'
      username: string
      password: string
      domain: string
      /** IAM's base URL without a trailing slash. */
      iamEndpoint: string
      /** The region whose project the token is scoped to. */
      project: string
    }

/** Credential inputs in order of precedence; every one is read as a secret. */
export const CREDENTIAL_INPUTS = [
  'token',
  'access-key',
  'secret-key',
  'security-token',
  'iam-username',
  'iam-password',
  'iam-domain'
] as const

export const ENV_ACCESS_KEY = 'HUAWEI_CLOUD_ACCESS_KEY_ID'
export const ENV_SECRET_KEY = 'HUAWEI_CLOUD_SECRET_ACCESS_KEY'
export const ENV_SECURITY_TOKEN = 'HUAWEI_CLOUD_SECURITY_TOKEN'

export interface CredentialValues {
  /** Credential inputs and `iam-endpoint`, trimmed; '' when not given. */
  inputs: Record<(typeof CREDENTIAL_INPUTS)[number] | 'iam-endpoint', string>
  /** Reads one of huaweicloud/auth-action's variables (masked by the caller); only called when needed. */
  env(name: string): string
  /** The region input (or HUAWEI_CLOUD_REGION); '' when none. */
  region: string
}

export type CredentialChoice =
  { credentials: Credentials; notes: string[] } | { problems: string[]; credentials?: undefined }

// What a header can carry: anything else would fail on every request for the whole timeout.
const HEADER_SAFE = /^[\x21-\x7e]+$/
const HEADER_RULE = 'accepts visible ASCII characters only (no spaces or line breaks)'

function given(value: string): boolean {
  return value !== ''
}

function missingWith(names: string[], what: string): string {
  const quoted = names.map(n => `"${n}"`)
  const list =
    quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}` : quoted[0]
  return `Input${names.length > 1 ? 's' : ''} ${list} ${names.length > 1 ? 'are' : 'is'} required with ${what}.`
}

/** Problems with pairs given by half, whichever method wins: each is almost surely a mistake. */
function halfGiven(inputs: CredentialValues['inputs']): string[] {
  const problems: string[] = []
  const keys = ['access-key', 'secret-key'] as const
  const keysGiven = keys.filter(n => given(inputs[n]))
  if (keysGiven.length === 1) {
    const [have] = keysGiven
    problems.push(missingWith([keys.find(n => n !== have)!], `"${have}"`))
  }
  if (given(inputs['security-token']) && keysGiven.length < 2) {
    problems.push(
      'Input "security-token" is used only with "access-key" and "secret-key" (temporary access keys); set both, or remove it.'
    )
  }
  const iam = ['iam-username', 'iam-password', 'iam-domain'] as const
  const iamGiven = iam.filter(n => given(inputs[n]))
  if (iamGiven.length > 0 && iamGiven.length < iam.length) {
    const what = iamGiven.map(n => `"${n}"`).join(' and ')
    problems.push(
      missingWith(
        iam.filter(n => !given(inputs[n])),
        what
      )
    )
  }
  if (given(inputs['iam-endpoint']) && iamGiven.length === 0) {
    problems.push(
      'Input "iam-endpoint" is used only for IAM password login (iam-username, iam-password, iam-domain); remove it, or set those.'
    )
  }
  return problems
}

function headerProblems(values: [string, string][]): string[] {
  return values
    .filter(([, value]) => given(value) && !HEADER_SAFE.test(value))
    .map(([name]) => `Input "${name}" ${HEADER_RULE}.`)
}

function fromEnvironment(values: CredentialValues): CredentialChoice {
  const accessKey = values.env(ENV_ACCESS_KEY)
  const secretKey = values.env(ENV_SECRET_KEY)
  if (!given(accessKey) && !given(secretKey)) {
    return {
      problems: [
        'No credentials: set the "token" input, or "access-key" and "secret-key", or "iam-username", ' +
          `"iam-password" and "iam-domain"; or run huaweicloud/auth-action before this step, which sets ${ENV_ACCESS_KEY} and ${ENV_SECRET_KEY}.`
      ]
    }
  }
  if (!given(accessKey) || !given(secretKey)) {
    const [have, missing] = given(accessKey)
      ? [ENV_ACCESS_KEY, ENV_SECRET_KEY]
      : [ENV_SECRET_KEY, ENV_ACCESS_KEY]
    return {
      problems: [
        `The environment has ${have} but not ${missing}: set both (huaweicloud/auth-action does), or use the credential inputs.`
      ]
    }
  }
  const securityToken = values.env(ENV_SECURITY_TOKEN)
  const problems = [
    [ENV_ACCESS_KEY, accessKey],
    [ENV_SECRET_KEY, secretKey],
    [ENV_SECURITY_TOKEN, securityToken]
  ]
    .filter(([, value]) => given(value!) && !HEADER_SAFE.test(value!))
    .map(([name]) => `The environment variable ${name} ${HEADER_RULE}.`)
  if (problems.length) return { problems }
  return {
    credentials: {
      method: 'access-keys',
      from: 'environment',
      accessKey,
      secretKey,
      securityToken: securityToken || undefined
    },
    notes: []
  }
}

/** The one method to use: `token`, else access keys, else IAM password, else the environment. */
export function chooseCredentials(values: CredentialValues): CredentialChoice {
  const { inputs } = values
  const problems = [
    ...halfGiven(inputs),
    ...headerProblems([
      ['token', inputs.token],
      ['access-key', inputs['access-key']],
      ['secret-key', inputs['secret-key']],
      ['security-token', inputs['security-token']]
    ])
  ]
  const methods = [
    given(inputs.token) && 'token',
    given(inputs['access-key']) && given(inputs['secret-key']) && 'access-key/secret-key',
    given(inputs['iam-username']) && 'iam-username/iam-password/iam-domain'
  ].filter((m): m is string => m !== false)
  const notes =
    methods.length > 1
      ? [
          `Several credentials are given; using ${methods[0]}, ignoring ${methods.slice(1).join(' and ')}.`
        ]
      : []

  let credentials: Credentials | undefined
  if (given(inputs.token)) {
    credentials = { method: 'token', token: inputs.token }
  } else if (given(inputs['access-key']) && given(inputs['secret-key'])) {
    credentials = {
      method: 'access-keys',
      from: 'inputs',
      accessKey: inputs['access-key'],
      secretKey: inputs['secret-key'],
      securityToken: inputs['security-token'] || undefined
    }
  } else if (given(inputs['iam-username'])) {
    const iam = iamEndpoint(inputs['iam-endpoint'], values.region)
    if ('problem' in iam) problems.push(iam.problem)
    else {
      credentials = {
        method: 'iam-password',
        username: inputs['iam-username'],
        password: inputs['iam-password'],
        domain: inputs['iam-domain'],
        iamEndpoint: iam.url,
        project: values.region
      }
    }
  }
  if (problems.length) return { problems }
  if (credentials) return { credentials, notes }
  return fromEnvironment(values)
}

function iamEndpoint(text: string, region: string): { url: string } | { problem: string } {
  // The token is scoped to the region's project, so a region is needed even with iam-endpoint.
  if (!given(region)) {
    return {
      problem:
        'Input "region" is required for IAM password login (or HUAWEI_CLOUD_REGION): the token is scoped to that region\'s project.'
    }
  }
  if (!given(text)) return { url: regionIamEndpoint(region) }
  const parsed = parseEndpoint(text, IAM_ENDPOINT_EXAMPLE)
  // Never echoed: a URL refused for carrying a password would show the password.
  return 'url' in parsed ? parsed : { problem: `Input "iam-endpoint" ${parsed.error}.` }
}

/** What the credentials are, for logs and errors; never a value. */
export function describeCredentials(credentials: Credentials): string {
  switch (credentials.method) {
    case 'token':
      return 'the IAM token (input "token")'
    case 'access-keys':
      return credentials.from === 'inputs'
        ? `the access keys (inputs "access-key" and "secret-key"${credentials.securityToken ? ', with "security-token"' : ''})`
        : `the access keys from ${ENV_ACCESS_KEY} and ${ENV_SECRET_KEY}${credentials.securityToken ? ` with ${ENV_SECURITY_TOKEN}` : ''} (as huaweicloud/auth-action sets them)`
    case 'iam-password':
      return 'the IAM password login (inputs "iam-username", "iam-password" and "iam-domain")'
  }
}

/**
 * The values that must never be shown, to be cut out of every answer. The IAM user and account names are
 * masked in the log like every credential input, but not cut out of answers: they are names, often short
 * words, and cutting them out of a JSON body could break it.
 */
export function secretValues(credentials: Credentials): string[] {
  switch (credentials.method) {
    case 'token':
      return [credentials.token]
    case 'access-keys':
      return [credentials.accessKey, credentials.secretKey, credentials.securityToken].filter(
        (v): v is string => v !== undefined
      )
    case 'iam-password':
      return [credentials.password]
  }
}
