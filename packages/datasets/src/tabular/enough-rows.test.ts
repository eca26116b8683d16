import { assertEnoughRows, minimumRows, parseCsv } from '@mi/datasets';
import { DataFormatError } from '@mi/spec';
import { describe, expect, it } from 'vitest';

describe('the rows an estimate needs', () => {
  it('counts the fewest rows that give 2 validation, 2 test and a training batch', () => {
    // 10 rows: floor(10 · 0.2) = 2 held out for each, 6 left to train; 9 rows hold out only 1.
    expect(minimumRows({ validationFraction: 0.2, testFraction: 0.2 })).toBe(10);
    // Batches of 64: 104 − 2 · floor(20.8) = 64 training rows; 103 leaves 63.
    expect(minimumRows({ validationFraction: 0.2, testFraction: 0.2, batchSize: 64 })).toBe(104);
    // 10% held out twice: 20 rows give 2 + 2 and 16 to train.
    expect(minimumRows({ validationFraction: 0.1, testFraction: 0.1 })).toBe(20);
    // Half and a quarter: 8 rows give 4 + 2 held out and 2 to train.
    expect(minimumRows({ validationFraction: 0.5, testFraction: 0.25 })).toBe(8);
    expect(() => minimumRows({ validationFraction: 0.5, testFraction: 0.5 })).toThrow(
      "minimumRows: invalid option 'testFraction': expected a fraction that leaves rows for training (validationFraction is 0.5), received 0.5",
    );
  });

  it('calls a 1-row file bad data and says how many rows it needs', () => {
    const one = parseCsv('a,b\n1,2\n', 'one.csv', { x: 'a', y: 'b' });
    let error: unknown;
    try {
      assertEnoughRows(one, { validationFraction: 0.2, testFraction: 0.2 });
    } catch (caught) {
      error = caught;
    }
    expect(DataFormatError.isInstance(error)).toBe(true);
    expect((error as DataFormatError).file).toBe('one.csv');
    expect((error as Error).message).toBe(
      'one.csv: needs at least 10 rows (60% training, 20% validation, 20% test, batches of 2 or more); the file has 1',
    );
    const text = `a,b\n${Array.from({ length: 12 }, (_, k) => `${k},${k % 3}`).join('\n')}\nx,1\n`;
    // A quarter held out twice and batches of 8: 14 − 2 · floor(3.5) = 8; 13 leaves 7.
    const twelve = parseCsv(text, 'twelve.csv', { x: 'a', y: 'b', invalidRows: 'drop' });
    expect(() =>
      assertEnoughRows(twelve, { validationFraction: 0.25, testFraction: 0.25, batchSize: 8 }),
    ).toThrow(
      'twelve.csv: needs at least 14 rows (50% training, 25% validation, 25% test, batches of 8); the file has 12 usable (1 invalid dropped)',
    );
    expect(() =>
      assertEnoughRows(twelve, { validationFraction: 0.2, testFraction: 0.2 }),
    ).not.toThrow();
  });
});
