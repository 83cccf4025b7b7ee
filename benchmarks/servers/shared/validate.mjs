// Hand-written equivalents of the typed constraints in servers/spikard/app.ts,
// shared by the frameworkless servers (uws.mjs, node-http.mjs) so both do
// exactly the same coercion and validation work. Every check runs even after
// a failure, because spikard reports all errors at once.

const INT = /^[+-]?\d+$/;
const SKU = /^[A-Z]{3}-[0-9]{4}$/;
const ORDER_ID = /^ORD-[0-9]{6}$/;
const ZIP = /^[0-9]{5}$/;

function str(errors, loc, v, min = 0, max = Infinity, pattern) {
  if (typeof v !== "string") errors.push({ loc, msg: "expected string" });
  else if (v.length < min || v.length > max) errors.push({ loc, msg: `length must be within ${min}..${max}` });
  else if (pattern && !pattern.test(v)) errors.push({ loc, msg: `must match ${pattern.source}` });
  return v;
}

function int(errors, loc, v, min = -Infinity, max = Infinity) {
  if (typeof v !== "number" || !Number.isSafeInteger(v)) errors.push({ loc, msg: "expected integer" });
  else if (v < min || v > max) errors.push({ loc, msg: `must be within ${min}..${max}` });
  return v;
}

function num(errors, loc, v, min = -Infinity) {
  if (typeof v !== "number" || !Number.isFinite(v)) errors.push({ loc, msg: "expected number" });
  else if (v < min) errors.push({ loc, msg: `must be >= ${min}` });
  return v;
}

function bool(errors, loc, v) {
  if (typeof v !== "boolean") errors.push({ loc, msg: "expected boolean" });
  return v;
}

function obj(errors, loc, v) {
  const ok = v !== null && typeof v === "object" && !Array.isArray(v);
  if (!ok) errors.push({ loc, msg: "expected object" });
  return ok;
}

/** Wire strings become typed values; what does not decode stays a string for the check to reject. */
export function decodeInt(s) {
  return typeof s === "string" && INT.test(s) ? Number(s) : s;
}

export function decodeBool(s) {
  if (s === "1") return true;
  if (s === "0" || s === "") return false;
  const lower = typeof s === "string" ? s.toLowerCase() : s;
  return lower === "true" ? true : lower === "false" ? false : s;
}

const result = (errors, value) => (errors.length ? { errors } : { value });

/** `get(name)` returns the raw query value or undefined. */
export function checkQuery(get) {
  const e = [];
  const limitRaw = get("limit");
  const value = {
    name: str(e, ["query", "name"], get("name"), 1, 50),
    age: int(e, ["query", "age"], decodeInt(get("age")), 0, 150),
    active: bool(e, ["query", "active"], decodeBool(get("active"))),
    limit: limitRaw === undefined ? 10 : int(e, ["query", "limit"], decodeInt(limitRaw), 1, 100),
  };
  return result(e, value);
}

export function checkPath(userId, postId) {
  const e = [];
  const value = {
    user_id: int(e, ["path", "user_id"], decodeInt(userId), 1),
    post_id: int(e, ["path", "post_id"], decodeInt(postId), 1),
  };
  return result(e, value);
}

export function checkItem(body) {
  const e = [];
  if (!obj(e, ["body"], body)) return result(e);
  const tags = body.tags;
  if (!Array.isArray(tags) || tags.length > 10) e.push({ loc: ["body", "tags"], msg: "expected array of at most 10" });
  else tags.forEach((t, i) => str(e, ["body", "tags", i], t, 1));
  const value = {
    name: str(e, ["body", "name"], body.name, 1, 100),
    price: num(e, ["body", "price"], body.price, 0),
    quantity: int(e, ["body", "quantity"], body.quantity, 1, 1000),
    tags,
  };
  return result(e, value);
}

function checkAddress(e, loc, a) {
  if (!obj(e, loc, a)) return a;
  return {
    street: str(e, [...loc, "street"], a.street, 1),
    city: str(e, [...loc, "city"], a.city, 1),
    zip: str(e, [...loc, "zip"], a.zip, 0, Infinity, ZIP),
    country: str(e, [...loc, "country"], a.country, 2, 2),
  };
}

function checkCustomer(e, loc, c) {
  if (!obj(e, loc, c)) return c;
  return {
    name: str(e, [...loc, "name"], c.name, 1, 100),
    email: str(e, [...loc, "email"], c.email, 3, 254),
    address: checkAddress(e, [...loc, "address"], c.address),
  };
}

function checkLine(e, loc, l) {
  if (!obj(e, loc, l)) return l;
  return {
    sku: str(e, [...loc, "sku"], l.sku, 0, Infinity, SKU),
    name: str(e, [...loc, "name"], l.name, 1, 100),
    quantity: int(e, [...loc, "quantity"], l.quantity, 1, 1000),
    price: num(e, [...loc, "price"], l.price, 0),
  };
}

export function checkOrder(body) {
  const e = [];
  if (!obj(e, ["body"], body)) return result(e);
  let items = body.items;
  if (!Array.isArray(items) || items.length < 1 || items.length > 100) e.push({ loc: ["body", "items"], msg: "expected 1..100 items" });
  else items = items.map((l, i) => checkLine(e, ["body", "items", i], l));
  const value = {
    id: str(e, ["body", "id"], body.id, 0, Infinity, ORDER_ID),
    customer: checkCustomer(e, ["body", "customer"], body.customer),
    items,
    note: str(e, ["body", "note"], body.note, 0, 500),
  };
  return result(e, value);
}

/** `get(name)` returns the raw form field or undefined. */
export function checkSignup(get) {
  const e = [];
  const value = {
    username: str(e, ["body", "username"], get("username"), 3, 30),
    age: int(e, ["body", "age"], decodeInt(get("age")), 0, 150),
    subscribe: bool(e, ["body", "subscribe"], decodeBool(get("subscribe"))),
    email: str(e, ["body", "email"], get("email"), 3, 254),
  };
  return result(e, value);
}

export function checkUpload(description, file) {
  const e = [];
  str(e, ["body", "description"], description, 1);
  if (!file || typeof file.filename !== "string") e.push({ loc: ["body", "file"], msg: "expected a file" });
  return result(e, file ? { filename: file.filename, size: file.size, description } : undefined);
}
