/**
 * DuckDB's float and double digits: the shortest decimal that reads back as the same value
 * under round-half-even, the rule JavaScript's Number#toString follows too. PostgreSQL's
 * float output also prints shortest digits but leaves out the rounding interval's ends, so
 * for values such as 1e23 it prints `9.999999999999999e+22` where DuckDB prints `1e+23`:
 * the digits are recomputed from the value, not copied from PostgreSQL's text.
 */

/** Digits and decimal point position: value = 0.d1d2… × 10^decpt, for a finite x > 0. */
export function duckFloatDigits(x: number, single: boolean): { digits: string; decpt: number } {
  if (!single) return digitsOf(x);
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(x.toPrecision(p));
    if (Math.fround(candidate) === x) return digitsOf(candidate);
  }
  throw new Error(`no float digits for ${x}`);
}

function digitsOf(x: number): { digits: string; decpt: number } {
  const [mantissa, exponent] = x.toExponential().split('e');
  return { digits: mantissa.replace('.', ''), decpt: Number(exponent) + 1 };
}
