/** How option values are shown in messages ("got …"). */

/** A short rendering of any value for "got …" in messages: `"10" (string)`, `true (boolean)`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `${short(value)} (array)`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') return `${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)} (string)`;
  if (typeof value === 'bigint') return `${value}n (bigint)`;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects returned above, so this never prints '[object Object]'; TS does not narrow `unknown` that far
  return `${String(value)} (${typeof value})`;
}

function short(value: unknown[]): string {
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    text = '[...]';
  }
  return text.length > 60 ? `${text.slice(0, 56)}...]` : text;
}
