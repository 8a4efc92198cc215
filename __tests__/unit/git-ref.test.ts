import { describeRef, parseRef, REF_RULE } from '../../src/git-ref.js'

describe('parseRef', () => {
  it.each([
    ['refs/heads/main', { kind: 'branch', name: 'main' }],
    ['refs/heads/feature/x', { kind: 'branch', name: 'feature/x' }],
    ['refs/tags/v1.2.3', { kind: 'tag', name: 'v1.2.3' }],
    ['refs/tags/release/2024-01', { kind: 'tag', name: 'release/2024-01' }],
    ['main', { kind: 'branch', name: 'main' }],
    ['feature/x', { kind: 'branch', name: 'feature/x' }],
    ['feature/deep/nested_name-1', { kind: 'branch', name: 'feature/deep/nested_name-1' }],
    ['v1.0', { kind: 'branch', name: 'v1.0' }],
    ['dev-branch', { kind: 'branch', name: 'dev-branch' }],
    ['名前', { kind: 'branch', name: '名前' }],
    ['refs/heads/refs/tags/x', { kind: 'branch', name: 'refs/tags/x' }]
  ])('reads %j', (text, expected) => {
    expect(parseRef(text)).toEqual(expected)
  })

  it.each(['.foo', 'refs/heads/.foo', 'a/.hidden', 'foo.lock/bar', '@'])(
    'refuses %j, as git check-ref-format does',
    text => {
      expect(parseRef(text)).toBeUndefined()
    }
  )

  it('reads a bare name as a branch, never as a tag', () => {
    expect(parseRef('v1.0.0')?.kind).toBe('branch')
  })

  it('accepts a name of 255 characters and refuses one of 256', () => {
    expect(parseRef('a'.repeat(255))).toEqual({ kind: 'branch', name: 'a'.repeat(255) })
    expect(parseRef('a'.repeat(256))).toBeUndefined()
    expect(parseRef(`refs/heads/${'a'.repeat(256)}`)).toBeUndefined()
  })

  it.each([
    'refs/pull/1/merge',
    'refs/pull/12/head',
    'refs/remotes/origin/main',
    'refs/notes/x',
    'refs/heads',
    'refs/',
    'refs/heads/',
    'refs/tags/'
  ])('refuses the ref %j, which is not a branch or tag', text => {
    expect(parseRef(text)).toBeUndefined()
  })

  it.each([
    ['empty', ''],
    ['a space', 'my branch'],
    ['a leading space', ' main'],
    ['a tab', 'a\tb'],
    ['a newline', 'a\nb'],
    ['a NUL', 'a\u0000b'],
    ['a control character', 'a\u0007b'],
    ['DEL', 'a\u007fb'],
    ['".."', 'a..b'],
    ['".." in a tag', 'refs/tags/v1..2'],
    ['"~"', 'main~1'],
    ['"^"', 'main^'],
    ['":"', 'a:b'],
    ['"?"', 'a?b'],
    ['"*"', 'a*'],
    ['"["', 'a[b'],
    ['a backslash', 'a\\b'],
    ['"@{"', 'main@{1}'],
    ['a trailing "/"', 'feature/'],
    ['a trailing "/" after refs/heads/', 'refs/heads/main/'],
    ['a leading "/"', '/main'],
    ['"//"', 'feature//x'],
    ['a component starting with "."', 'feature/.x'],
    ['a trailing "."', 'main.'],
    ['".lock"', 'main.lock'],
    ['".lock" in a tag', 'refs/tags/v1.lock'],
    ['a leading "-"', '-main'],
    ['a leading "-" after refs/heads/', 'refs/heads/-main']
  ])('refuses a name with %s', (_, text) => {
    expect(parseRef(text)).toBeUndefined()
  })
})

describe('describeRef', () => {
  it('names the kind and the name', () => {
    expect(describeRef({ kind: 'branch', name: 'feature/x' })).toBe('branch feature/x')
    expect(describeRef({ kind: 'tag', name: 'v1' })).toBe('tag v1')
  })
})

describe('REF_RULE', () => {
  it('says which forms are accepted', () => {
    expect(REF_RULE).toContain('refs/heads/NAME')
    expect(REF_RULE).toContain('refs/tags/NAME')
  })
})
