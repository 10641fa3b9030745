import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isoOf } from '../timestamps'
import { parseWhereDate } from './where-date'

describe('parseWhereDate', () => {
  it.each([
    ['2026-01-31', '2026-01-31T00:00:00.000Z'],
    ['2026-01-31T12:00', '2026-01-31T12:00:00.000Z'],
    ['2026-01-31T12:00Z', '2026-01-31T12:00:00.000Z'],
    ['2026-01-31T12:00:05', '2026-01-31T12:00:05.000Z'],
    ['2026-01-31T12:00:05.5Z', '2026-01-31T12:00:05.500Z'],
    ['2026-01-31T12:00:05.123456789Z', '2026-01-31T12:00:05.123Z'],
    ['2026-01-31T12:00+02:00', '2026-01-31T10:00:00.000Z'],
    ['2026-01-31T23:30:00-01:30', '2026-02-01T01:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2000-02-29', '2000-02-29T00:00:00.000Z'],
    ['0000-01-01', '0000-01-01T00:00:00.000Z'],
    ['0099-06-01', '0099-06-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseWhereDate(text)).toBe(iso)
  })

  it.each([
    'not-a-date',
    '',
    '2026',
    '2026-01',
    '2026-1-31',
    '20260131',
    '2026-02-29',
    '1900-02-29',
    '2026-02-30',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '2026-01-31T24:00Z',
    '2026-01-31T12:60Z',
    '2026-01-31T12:00:60Z',
    '2026-01-31T12',
    '2026-01-31 12:00',
    '2026-01-31T12:00+0200',
    '2026-01-31T12:00+24:00',
    '2026-01-31T12:00:00.Z',
    '+002026-01-31',
    ' 2026-01-31',
    '2026-01-31\n',
    'March 7, 2026',
    '0000-01-01T00:30+01:00',
    '9999-12-31T23:00-02:00',
  ])('refuses %j', (text) => {
    expect(parseWhereDate(text)).toBeUndefined()
  })

  it('reads every stored timestamp back as itself (years 0000-9999)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (ms) => {
        expect(parseWhereDate(isoOf(ms))).toBe(isoOf(ms))
      }),
    )
  })

  it('applies an offset as Date does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 253_402_300_799_999 - 2 * 86_400_000 }),
        fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
        (ms, offsetMinutes) => {
          // The local time at that offset, written with the offset.
          const local = isoOf(ms + offsetMinutes * 60_000).slice(0, 23)
          const sign = offsetMinutes < 0 ? '-' : '+'
          const abs = Math.abs(offsetMinutes)
          const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
          expect(parseWhereDate(local + zone)).toBe(isoOf(ms))
        },
      ),
    )
  })
})
