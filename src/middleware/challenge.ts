/**
 * A `WWW-Authenticate` challenge: `Scheme name="value", ...` (RFC 9110 §11.6.1).
 * Values are quoted strings; anything RFC 6750 does not allow inside one
 * (quotes, backslashes, controls, non-ASCII) is dropped rather than escaped,
 * so a value can never end the header or the string early.
 */
export function challenge(scheme: string, params: Record<string, string | undefined>): string {
  const list: string[] = [];
  for (const [name, value] of Object.entries(params)) if (value !== undefined) list.push(`${name}="${value.replace(UNQUOTABLE, "")}"`);
  return list.length === 0 ? scheme : `${scheme} ${list.join(", ")}`;
}

const UNQUOTABLE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g;
