import type { Path, Query } from "spikard";

/** Declared in another module than the registration: the transformer resolves it through the checker. */
export function getOrder(order_id: Path<number>, expand: Query<boolean> = false): { id: number; expanded: boolean } {
  return { id: order_id, expanded: expand };
}

export async function slowEcho(text: Query<string>): Promise<string> {
  await new Promise((r) => setTimeout(r, 1));
  return text;
}
