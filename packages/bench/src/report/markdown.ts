/** 2 significant decimals like the papers; large values in exponent form; missing as "–". */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return value.toExponential(1);
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/**
 * One Markdown table row: `| a | b | c |`. A `|` inside a cell (an absolute value such as
 * `|E_P[T]|`) is escaped, or it would end the cell and shift the rest of the row.
 */
export function markdownRow(cells: readonly (string | number)[]): string {
  return `| ${cells.map((cell) => String(cell).replace(/(?<!\\)\|/g, '\\|')).join(' | ')} |`;
}

/** A Markdown table: the header, the rule under it, then the rows (cells already formatted). */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  return [
    markdownRow(header),
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => markdownRow(row)),
  ].join('\n');
}
