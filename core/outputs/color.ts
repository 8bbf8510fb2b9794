/** ANSI styling for the summary, and the rule for when to use it. */

export interface Palette {
  green(text: string): string;
  red(text: string): string;
  cyan(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const plain = (text: string): string => text;
const sgr =
  (open: number, close: number) =>
  (text: string): string =>
    `\u001b[${open}m${text}\u001b[${close}m`;

const PLAIN: Palette = { green: plain, red: plain, cyan: plain, yellow: plain, dim: plain, bold: plain };
const ANSI: Palette = { green: sgr(32, 39), red: sgr(31, 39), cyan: sgr(36, 39), yellow: sgr(33, 39), dim: sgr(2, 22), bold: sgr(1, 22) };

export function palette(enabled: boolean): Palette {
  return enabled ? ANSI : PLAIN;
}

/**
 * Color only for a terminal, and never when NO_COLOR is set to anything
 * non-empty (no-color.org); FORCE_COLOR (other than '0') forces it on.
 */
export function shouldUseColor(stream: { isTTY?: boolean | undefined }, env: Readonly<Record<string, string | undefined>>): boolean {
  const noColor = env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '') return force !== '0';
  return stream.isTTY === true;
}

/** Length of `text` as a terminal shows it (ANSI sequences take no room). */
export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex -- matching ANSI escape sequences is the point
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}
