import { Router, type Body, type Header } from "spikard";
import type { Order, Receipt } from "./types";
import type { Session } from "./services";

export const orders = new Router({ prefix: "/orders", tags: ["orders"] });

orders.get("/", () => ({ orders: [] as Order[] }), { operationId: "listOrders" });
orders.post("/", (order: Body<Order>, session: Session, x_trace?: Header<string>): Receipt & { by: string; trace: string | null } => ({ orderId: 7, total: order.quantity * 3, by: session.user, trace: x_trace ?? null }));
