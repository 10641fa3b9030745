import { isoOf } from '../timestamps'

// ISO 8601 extended format: a calendar date, optionally a time (minutes, seconds and a
// fraction optional) and a UTC offset. Nothing looser: `Date.parse` also takes
// 'March 7', '2026-02-30' (rolled over to March) and local times, which would make the
// same query mean different things on different servers.
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?$/

/**
 * A where value on a date (a `date` field, `createdAt`, `updatedAt`) as the stored form,
 * `YYYY-MM-DDTHH:mm:ss.sssZ`, or undefined when it is not an ISO 8601 date. A date alone
 * is midnight UTC, a time without an offset is UTC, an offset is applied, digits past
 * milliseconds are cut. Years 0000–9999, the range stored dates have.
 *
 * @example parseWhereDate('2026-01-31T12:00+02:00') // '2026-01-31T10:00:00.000Z'
 */
export function parseWhereDate(text: string): string | undefined {
  const m = ISO_DATE.exec(text)
  if (!m) return undefined
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined
  let offset = 0
  if (zone !== 'Z') {
    const oh = Number(zone.slice(1, 3))
    const om = Number(zone.slice(4, 6))
    if (oh > 23 || om > 59) return undefined
    offset = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000
  }
  const date = new Date(0)
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(Number(h), Number(mi), Number(s), Number(frac.slice(0, 3).padEnd(3, '0')))
  const ms = date.getTime() - offset
  const utcYear = new Date(ms).getUTCFullYear()
  if (utcYear < 0 || utcYear > 9999) return undefined
  return isoOf(ms)
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/**
 * A date as stored, from anything a caller may give for one: ISO 8601 text (see
 * parseWhereDate; at most 40 characters) or a valid `Date` of years 0000–9999. Undefined for
 * anything else. Where values and written date fields both go through it, so whatever is
 * stored can be asked for.
 */
export function storedDateOf(value: unknown): string | undefined {
  if (value instanceof Date) {
    const ms = value.getTime()
    const year = Number.isNaN(ms) ? -1 : value.getUTCFullYear()
    return year >= 0 && year <= 9999 ? value.toISOString() : undefined
  }
  return typeof value === 'string' && value.length <= 40 ? parseWhereDate(value) : undefined
}
