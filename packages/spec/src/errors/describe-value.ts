/**
 * A short, printable description of any value for error messages: numbers and strings as
 * themselves, arrays with their length, objects by constructor name, tensors by shape.
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (Array.isArray(value)) {
    return value.length <= 6
      ? `[${value.map(describeValue).join(', ')}]`
      : `array of length ${value.length}`;
  }
  if (typeof value === 'object' && 'shape' in value && Array.isArray(value.shape)) {
    return `tensor of shape [${(value.shape as number[]).join(', ')}]`;
  }
  if (ArrayBuffer.isView(value))
    return `${value.constructor.name} of length ${(value as unknown as ArrayLike<number>).length}`;
  return `object ${value.constructor?.name ?? 'Object'}`;
}
