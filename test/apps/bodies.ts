import { createHmac, timingSafeEqual } from "node:crypto";
import { Spikard, type Body, type Header, type Int, type MaxProperties, type MinProperties, type Rule, type ServerConfig } from "spikard";
import type { tags } from "typia";

export const WEBHOOK_SECRET = "whsec_test_secret";

export interface Item {
  name: string & tags.MinLength<1>;
  price: number & tags.Minimum<0>;
  tags?: string[];
}

/** Cross-field rules on object types: top level, nested, and on every element of an array. */
export type Payment = { method: "card" | "invoice"; card?: string; address?: string } & Rule<'$input.method !== "card" || $input.card !== undefined', '"card" is required when paying by card'> &
  Rule<"$input.card === undefined || $input.address !== undefined", '"address" is required with a card, got {input}'>;
export interface Order {
  payment: Payment;
  lines: Array<{ sku: string; qty: Int; max?: Int } & Rule<"$input.max === undefined || $input.qty <= $input.max", "qty above max">>;
}

/** Property counts: at least one setting, at most two labels. */
export type Settings = { theme?: string; labels?: Record<string, string> & MaxProperties<2> } & MinProperties<1>;

/** What a handler that merges the body into fresh objects observes. */
export interface MergeReport {
  keys: string[];
  a: number | null;
  /** The merged object's own prototype was rewritten. */
  assignedProtoPolluted: boolean;
  /** Every object (Object.prototype) gained `polluted`. */
  globalPolluted: boolean;
  /** Object.prototype gained `x` (through `constructor.prototype`). */
  objectPrototypeX: boolean;
}

/** A naive recursive merge, as found in countless apps (old lodash.merge): unsafe unless `src` is clean. */
function naiveMerge(target: Record<string, any>, src: Record<string, any>): Record<string, any> {
  for (const key of Object.keys(src)) {
    const value = src[key];
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const current = target[key];
      if (current === null || (typeof current !== "object" && typeof current !== "function")) target[key] = {};
      naiveMerge(target[key], value);
    } else target[key] = value;
  }
  return target;
}

function report(body: Record<string, unknown>): MergeReport {
  const assigned = Object.assign({}, body);
  naiveMerge({}, body);
  return {
    keys: Object.keys(body).sort(),
    a: typeof body.a === "number" ? body.a : null,
    assignedProtoPolluted: (assigned as any).polluted !== undefined || Object.getPrototypeOf(assigned) !== Object.prototype,
    globalPolluted: ({} as any).polluted !== undefined,
    objectPrototypeX: (Object.prototype as any).x !== undefined,
  };
}

export interface Profile {
  name: string;
  age: Int;
  active: boolean;
  tags: string[];
}

export interface Codes {
  code: string;
  count: number;
  ratio?: number;
}

export interface Signup {
  user: { name: string; age: Int };
  items: string[];
}

/** JSON, url-encoded and raw request bodies. */
export function buildBodiesApp(config: ServerConfig = {}): Spikard {
  const app = new Spikard(config);

  // JSON (and forms, for object bodies)
  app.post("/items", (item: Body<Item>): Item => item);
  app.post("/payments", (payment: Body<Payment>) => ({ ok: payment.method }));
  app.post("/orders", (order: Body<Order>) => ({ lines: order.lines.length }));
  app.post("/settings", (settings: Body<Settings>) => ({ count: Object.keys(settings).length }));
  app.post("/merge", (body: Body<Record<string, unknown>>): MergeReport => report(body));
  app.post("/tree", (tree: Body<unknown[]>) => ({ received: Array.isArray(tree) }));
  app.post("/optional", (item?: Body<Item>) => ({ present: item !== undefined }));

  // url-encoded forms
  app.post("/profile", (profile: Body<Profile>): Profile => profile);
  app.post("/codes", (codes: Body<Codes>) => ({ code: codes.code, codeType: typeof codes.code, count: codes.count, ratio: codes.ratio ?? null }));
  app.post("/signup", (signup: Body<Signup>): Signup => signup);

  // raw bodies
  app.post("/webhook", (payload: Body<Uint8Array>, signature: Header<string, "X-Signature">) => {
    const expected = createHmac("sha256", WEBHOOK_SECRET).update(payload).digest();
    const given = Buffer.from(signature, "hex");
    return {
      valid: given.length === expected.length && timingSafeEqual(given, expected),
      length: payload.byteLength,
      isUint8Array: payload instanceof Uint8Array,
    };
  });
  app.post("/echo-bytes", (payload: Body<Uint8Array>): Uint8Array => payload);
  app.post("/note", (note: Body<string>) => ({ note, type: typeof note, length: note.length }));
  return app;
}
