/** A header's value in a flat `[name, value, name, value, ...]` list (the sinks' format), by case-insensitive name. */
export function headerValue(headers: readonly string[], lower: string): string | undefined {
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === lower) return headers[i + 1];
  return undefined;
}

export function hasHeader(headers: readonly string[], lower: string): boolean {
  return headerValue(headers, lower) !== undefined;
}
