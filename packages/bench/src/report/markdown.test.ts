import { describe, expect, it } from 'vitest';
import { formatNumber, markdownRow, markdownTable } from './markdown';

describe('markdownRow', () => {
  it('joins the cells between pipes', () => {
    expect(markdownRow(['a', 1.5, 'c'])).toBe('| a | 1.5 | c |');
  });

  it('escapes a pipe inside a cell so the row keeps its columns', () => {
    const row = markdownRow(['|E_P[T] (last) − E_P[T] (middle)|', 'max |T|', '0.02']);
    expect(row).toBe('| \\|E_P[T] (last) − E_P[T] (middle)\\| | max \\|T\\| | 0.02 |');
    // Splitting on unescaped pipes gives back the three cells.
    expect(row.split(/(?<!\\)\|/).slice(1, -1)).toHaveLength(3);
  });

  it('leaves a pipe that is already escaped alone', () => {
    expect(markdownRow(['a \\| b'])).toBe('| a \\| b |');
  });
});

describe('markdownTable', () => {
  it('puts a rule of one dash group per column under the header', () => {
    expect(markdownTable(['x', 'y'], [[1, 2]])).toBe('| x | y |\n|---|---|\n| 1 | 2 |');
  });
});

describe('formatNumber', () => {
  it('writes two decimals, fewer for large values, exponent form from 1000, a dash for missing', () => {
    expect(formatNumber(0.123)).toBe('0.12');
    expect(formatNumber(12.34)).toBe('12.3');
    expect(formatNumber(123.4)).toBe('123');
    expect(formatNumber(12345)).toBe('1.2e+4');
    expect(formatNumber(Number.NaN)).toBe('–');
    expect(formatNumber(null)).toBe('–');
  });
});
