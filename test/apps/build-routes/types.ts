import type { Int, tags } from "spikard";

/** Types the handlers in other modules import (type-only): a change here must reach their metadata. */
export interface Address {
  street: string & tags.MinLength<1>;
  zip: string & tags.Pattern<"^[0-9]{5}$">;
}

export interface NewUser {
  name: string & tags.MinLength<2> & tags.MaxLength<40>;
  email: string & tags.Format<"email">;
  age?: Int & tags.Minimum<0> & tags.Maximum<150>;
  role: "admin" | "member";
  address?: Address;
  tags: Array<string & tags.MaxLength<10>>;
}

export interface User extends NewUser {
  id: number;
}

export interface Order {
  sku: string & tags.Pattern<"^[A-Z]{3}-[0-9]+$">;
  quantity: Int & tags.Minimum<1>;
}

export interface Receipt {
  orderId: number;
  total: number;
}

/** A WebSocket message (test/apps/build-routes/app.ts /rooms/{room}). */
export interface ChatMessage {
  text: string & tags.MinLength<1> & tags.MaxLength<20>;
}

/** What a room's sockets receive: published by app.publish. */
export interface ChatEcho {
  room: string;
  from: string;
  text: string;
}

/** An SSE event's data (test/apps/build-routes/ticker.ts). */
export interface Tick {
  symbol: string;
  price: number;
}
