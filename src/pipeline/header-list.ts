/** Whether a flat `[name, value, name, value, ...]` header list (the sinks' format) has `lower`, by case-insensitive name. */
export function hasHeader(headers: readonly string[], lower: string): boolean {
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === lower) return true;
  return false;
}
