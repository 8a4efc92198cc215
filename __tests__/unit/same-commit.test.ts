import { sameCommit } from '../../src/provenance.js'

const FULL = '0123456789abcdef0123456789abcdef01234567'
const OTHER = 'fedcba9876543210fedcba9876543210fedcba98'

describe('sameCommit', () => {
  it('matches a full SHA with itself', () => {
    expect(sameCommit(FULL, FULL)).toBe(true)
  })

  it('matches a listed abbreviation of 7 or more digits with the wanted full SHA', () => {
    expect(sameCommit(FULL.slice(0, 7), FULL)).toBe(true)
    expect(sameCommit(FULL.slice(0, 12), FULL)).toBe(true)
    expect(sameCommit(FULL.slice(0, 39), FULL)).toBe(true)
  })

  it('matches a listed full SHA with a wanted abbreviation', () => {
    expect(sameCommit(FULL, FULL.slice(0, 7))).toBe(true)
    expect(sameCommit(FULL, FULL.slice(0, 20))).toBe(true)
  })

  it('matches two abbreviations when one begins the other', () => {
    expect(sameCommit(FULL.slice(0, 7), FULL.slice(0, 10))).toBe(true)
    expect(sameCommit(FULL.slice(0, 10), FULL.slice(0, 7))).toBe(true)
  })

  it('ignores case on the listed side', () => {
    expect(sameCommit(FULL.toUpperCase(), FULL)).toBe(true)
    expect(sameCommit(FULL.slice(0, 8).toUpperCase(), FULL)).toBe(true)
  })

  it('refuses a listed abbreviation shorter than 7 digits', () => {
    expect(sameCommit(FULL.slice(0, 6), FULL)).toBe(false)
    expect(sameCommit(FULL.slice(0, 1), FULL)).toBe(false)
    expect(sameCommit('', FULL)).toBe(false)
  })

  it('refuses a listed value longer than 40 digits', () => {
    expect(sameCommit(`${FULL}0`, FULL)).toBe(false)
  })

  it('refuses a listed value that is not hex', () => {
    expect(sameCommit('0123456789abcdeg', FULL)).toBe(false)
    expect(sameCommit(`${FULL.slice(0, 7)} `, FULL)).toBe(false)
    expect(sameCommit(` ${FULL}`, FULL)).toBe(false)
    expect(sameCommit('main', FULL)).toBe(false)
  })

  it('refuses null', () => {
    expect(sameCommit(null, FULL)).toBe(false)
  })

  it('refuses another commit, full or abbreviated', () => {
    expect(sameCommit(OTHER, FULL)).toBe(false)
    expect(sameCommit(OTHER.slice(0, 7), FULL)).toBe(false)
    expect(sameCommit(OTHER, FULL.slice(0, 7))).toBe(false)
    // Same first 7 digits, different after: both full, so not the same commit.
    expect(sameCommit(`${FULL.slice(0, 7)}${'0'.repeat(33)}`, FULL)).toBe(false)
  })
})
