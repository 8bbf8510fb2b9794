/**
 * Keeps secrets out of everything llmload prints or writes: API keys from the
 * environment, Authorization headers, and credentials embedded in URLs.
 */

/** Environment variable names whose values are treated as secrets. */
const SECRET_NAME = /(?:API[_-]?KEY|TOKEN|SECRET|PASSWORD)/i;

/** Secret values to redact: from known variables (at least 8 chars, to avoid blanking common words). */
export function secretValues(env: NodeJS.ProcessEnv, extra: readonly string[] = []): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value.length >= 8 && SECRET_NAME.test(name)) values.add(value);
  }
  for (const value of extra) if (value.length > 0) values.add(value);
  return [...values];
}

/** Replace every known secret, bearer token and URL credential in `text`. */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv = {}, extra: readonly string[] = []): string {
  let out = text;
  for (const secret of secretValues(env, extra)) out = out.split(secret).join('[REDACTED]');
  out = out.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/g, '$1[REDACTED]');
  return out.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+(?::[^\s/@]*)?@/gi, '$1[REDACTED]@');
}

/** A URL with its user-info removed (for summaries and reports). */
export function stripCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.href.replace(/\/$/, '');
  } catch {
    return redactSecrets(url);
  }
}
