// Where the CodeArts Pipeline API lives: derived from the region, or named outright by the user.

const CLOUDPIPELINE_EXT = [
  'cn-north-1',
  'cn-north-4',
  'cn-east-2',
  'cn-east-3',
  'cn-south-1',
  'cn-south-2',
  'cn-southwest-2',
  'cn-northeast-1',
  'ap-southeast-3',
  'sa-brazil-1',
  'la-north-2'
]
const PIPELINE_EXTERNAL = ['tr-west-1', 'la-south-2']
const PIPELINE = ['af-north-1', 'me-east-1', 'af-south-1']
const EU_CLOUD = new Map([
  ['eu-west-101', 'https://pipeline-external.eu-west-101.myhuaweicloud.eu']
])

export const KNOWN_REGIONS = [
  ...CLOUDPIPELINE_EXT,
  ...PIPELINE_EXTERNAL,
  ...PIPELINE,
  ...EU_CLOUD.keys()
]

/** The API base URL of a region, or undefined for a region without a known endpoint. */
export function regionEndpoint(region: string): string | undefined {
  if (CLOUDPIPELINE_EXT.includes(region))
    return `https://cloudpipeline-ext.${region}.myhuaweicloud.com`
  if (PIPELINE_EXTERNAL.includes(region))
    return `https://pipeline-external.${region}.myhuaweicloud.com`
  if (PIPELINE.includes(region)) return `https://pipeline.${region}.myhuaweicloud.com`
  return EU_CLOUD.get(region)
}

/** IAM's base URL in a region: the EU cloud has its own domain, like its pipeline endpoint. */
export function regionIamEndpoint(region: string): string {
  return EU_CLOUD.has(region)
    ? `https://iam.${region}.myhuaweicloud.eu`
    : `https://iam.${region}.myhuaweicloud.com`
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost' || host === '::1') return true
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

const ENDPOINT_EXAMPLE = 'https://cloudpipeline-ext.ap-southeast-3.myhuaweicloud.com'
export const IAM_ENDPOINT_EXAMPLE = 'https://iam.ap-southeast-3.myhuaweicloud.com'

/**
 * A user-given base URL, normalised without a trailing slash; or an error text saying what is wrong.
 * Plain http is allowed only on loopback: anywhere else it would send the credentials in clear.
 * `example`: a URL of the kind wanted, for the messages (the API's by default, or IAM's).
 */
export function parseEndpoint(
  text: string,
  example = ENDPOINT_EXAMPLE
): { url: string } | { error: string } {
  const rule = `accepts an https base URL such as ${example} (http only for 127.0.0.0/8, ::1 and localhost)`
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return { error: `is not a URL; it ${rule}` }
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    return { error: `must use https; it ${rule}` }
  }
  if (url.username || url.password) {
    return { error: `must not carry a user name or password; it ${rule}` }
  }
  if (url.search || url.hash) {
    return { error: `must not have a query string or fragment; it ${rule}` }
  }
  return { url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` }
}
