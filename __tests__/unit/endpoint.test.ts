import { KNOWN_REGIONS, parseEndpoint, regionEndpoint } from '../../src/endpoint.js'

describe('regionEndpoint', () => {
  it.each([
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
  ])('uses cloudpipeline-ext for %s', region => {
    expect(regionEndpoint(region)).toBe(`https://cloudpipeline-ext.${region}.myhuaweicloud.com`)
  })

  it.each(['tr-west-1', 'la-south-2'])('uses pipeline-external for %s', region => {
    expect(regionEndpoint(region)).toBe(`https://pipeline-external.${region}.myhuaweicloud.com`)
  })

  it.each(['af-north-1', 'me-east-1', 'af-south-1'])('uses pipeline for %s', region => {
    expect(regionEndpoint(region)).toBe(`https://pipeline.${region}.myhuaweicloud.com`)
  })

  it('uses the EU cloud domain for eu-west-101', () => {
    expect(regionEndpoint('eu-west-101')).toBe(
      'https://pipeline-external.eu-west-101.myhuaweicloud.eu'
    )
  })

  it.each(['', 'xx-nowhere-9', 'CN-NORTH-4', ' cn-north-4', 'cn-north-4 ', 'eu-west-1'])(
    'knows no endpoint for %j',
    region => {
      expect(regionEndpoint(region)).toBeUndefined()
    }
  )

  // Names every object inherits must not look like regions.
  it.each(['toString', '__proto__', 'constructor'])(
    'knows no endpoint for the Object.prototype name %j',
    region => {
      expect(regionEndpoint(region)).toBeUndefined()
    }
  )

  it('has an https endpoint for every known region', () => {
    expect(KNOWN_REGIONS).toHaveLength(17)
    for (const region of KNOWN_REGIONS) {
      expect(regionEndpoint(region)).toMatch(/^https:\/\/[a-z0-9.-]+$/)
      expect(regionEndpoint(region)).toContain(region)
    }
  })
})

describe('parseEndpoint', () => {
  it.each([
    ['https://pipeline.example.com', 'https://pipeline.example.com'],
    ['https://pipeline.example.com/', 'https://pipeline.example.com'],
    ['https://pipeline.example.com///', 'https://pipeline.example.com'],
    ['https://pipeline.example.com/base/', 'https://pipeline.example.com/base'],
    ['https://pipeline.example.com:8443/a/b', 'https://pipeline.example.com:8443/a/b'],
    ['HTTPS://Pipeline.Example.COM', 'https://pipeline.example.com'],
    ['https://pipeline.example.com:443/', 'https://pipeline.example.com'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
    ['http://127.1.2.3', 'http://127.1.2.3'],
    ['http://[::1]:9000/', 'http://[::1]:9000'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://LocalHost', 'http://localhost']
  ])('accepts %s as %s', (text, url) => {
    expect(parseEndpoint(text)).toEqual({ url })
  })

  it.each([
    'http://pipeline.example.com',
    'http://192.168.0.1',
    'http://10.0.0.1:8080',
    'http://[::2]',
    'http://[::ffff:8.8.8.8]',
    'http://localhost.example.com',
    'http://127.0.0.1.example.com',
    'http://notlocalhost',
    'ftp://pipeline.example.com',
    'file:///etc/passwd',
    'ws://localhost'
  ])('rejects %s as not https', text => {
    const result = parseEndpoint(text)
    expect(result).toEqual({ error: expect.stringContaining('https') })
  })

  it.each([
    'https://user@pipeline.example.com',
    'https://user:pw@pipeline.example.com',
    'https://:pw@pipeline.example.com',
    'http://user:pw@localhost'
  ])('rejects userinfo in %s', text => {
    expect(parseEndpoint(text)).toEqual({ error: expect.stringContaining('user name or password') })
  })

  it.each([
    'https://pipeline.example.com/?a=1',
    'https://pipeline.example.com?token=x',
    'https://pipeline.example.com/#frag',
    'https://pipeline.example.com/base?x#y'
  ])('rejects a query or fragment in %s', text => {
    expect(parseEndpoint(text)).toEqual({ error: expect.stringContaining('query string') })
  })

  it.each(['', 'pipeline.example.com', '://x', 'https://', 'not a url'])(
    'rejects %j as not a URL',
    text => {
      const result = parseEndpoint(text)
      expect('error' in result && result.error).toMatch(
        /^is not a URL; it accepts an https base URL/
      )
    }
  )
})
