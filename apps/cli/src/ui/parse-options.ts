import { HeadstartError, formatChoices } from '@headstart/core';

/** A whole number from a flag value, or INVALID_OPTION naming the flag, the value and the range. */
export function parseInteger(
  flag: string,
  value: string,
  range: { min?: number; max?: number } = {},
): number {
  const n = Number(value);
  const { min = -Infinity, max = Infinity } = range;
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    const bounds =
      Number.isFinite(min) && Number.isFinite(max)
        ? ` from ${min} to ${max}`
        : Number.isFinite(min)
          ? ` ≥ ${min}`
          : '';
    throw new HeadstartError('INVALID_OPTION', `Invalid ${flag} "${value}"; use a whole number${bounds}.`);
  }
  return n;
}

/** A number from a flag value within an open or closed interval. */
export function parseNumber(
  flag: string,
  value: string,
  range: { above?: number; below?: number; min?: number; describe: string },
): number {
  const n = Number(value);
  const bad =
    value.trim() === '' ||
    !Number.isFinite(n) ||
    (range.above !== undefined && !(n > range.above)) ||
    (range.below !== undefined && !(n < range.below)) ||
    (range.min !== undefined && n < range.min);
  if (bad) throw new HeadstartError('INVALID_OPTION', `Invalid ${flag} "${value}"; use ${range.describe}.`);
  return n;
}

/** One of a closed set of strings. */
export function parseChoice<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new HeadstartError('INVALID_OPTION', `Unknown ${flag} "${value}"; use ${formatChoices(choices)}.`);
}
