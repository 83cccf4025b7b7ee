// The requests every server must answer identically. Each workload is sent as
// exact bytes (so wrk, autocannon and the correctness probe send the same thing)
// and carries the answer a correct server gives, which the probe checks before
// anything is measured.

const item = { name: "Widget Pro", price: 19.99, quantity: 3, tags: ["tools", "hardware", "sale"] };

// ~5 KB: enough nested objects that parsing, validation and serialisation dominate.
const order = {
  id: "ORD-004217",
  customer: {
    name: "Ada Lovelace",
    email: "ada@example.com",
    address: { street: "12 Analytical Row", city: "London", zip: "10115", country: "GB" },
  },
  items: Array.from({ length: 68 }, (_, i) => ({
    sku: `SKU-${String(1000 + i * 7).padStart(4, "0")}`,
    name: `Part number ${i + 1}`,
    quantity: (i % 9) + 1,
    price: Math.round((i * 3.17 + 1) * 100) / 100,
  })),
  note: "Leave at the loading dock; call ahead if the gate is closed.",
};

const BOUNDARY = "----spikardbench7MA4YWxkTrZu0gW";
const fileContent = "0123456789abcdef".repeat(64); // 1024 bytes
const multipartBody = [
  `--${BOUNDARY}`,
  'Content-Disposition: form-data; name="description"',
  "",
  "a small file",
  `--${BOUNDARY}`,
  'Content-Disposition: form-data; name="file"; filename="hello.txt"',
  "Content-Type: text/plain",
  "",
  fileContent,
  `--${BOUNDARY}--`,
  "",
].join("\r\n");

const JSON_HEADERS = { "content-type": "application/json" };

/** @type {Array<{name: string, method: string, path: string, headers: Record<string,string>, body?: string, expect: {status: number, json?: unknown, text?: string}}>} */
export const WORKLOADS = [
  {
    name: "hello",
    method: "GET",
    path: "/hello",
    headers: {},
    expect: { status: 200, text: "Hello, World!" },
  },
  {
    name: "query",
    method: "GET",
    path: "/query?name=alice&age=30&active=true",
    headers: {},
    expect: { status: 200, json: { name: "alice", age: 30, active: true, limit: 10 } },
  },
  {
    name: "path",
    method: "GET",
    path: "/users/123/posts/456",
    headers: {},
    expect: { status: 200, json: { user_id: 123, post_id: 456 } },
  },
  {
    name: "json-small",
    method: "POST",
    path: "/items",
    headers: JSON_HEADERS,
    body: JSON.stringify(item),
    expect: { status: 200, json: item },
  },
  {
    name: "json-medium",
    method: "POST",
    path: "/orders",
    headers: JSON_HEADERS,
    body: JSON.stringify(order),
    expect: { status: 200, json: order },
  },
  {
    name: "urlencoded",
    method: "POST",
    path: "/form",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "username=alice&age=30&subscribe=true&email=alice%40example.com",
    expect: { status: 200, json: { username: "alice", age: 30, subscribe: true, email: "alice@example.com" } },
  },
  {
    name: "multipart",
    method: "POST",
    path: "/upload",
    headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
    body: multipartBody,
    expect: { status: 200, json: { filename: "hello.txt", size: 1024, description: "a small file" } },
  },
  {
    // Every constraint of Item broken at once; only 422 answers count as success.
    name: "invalid",
    method: "POST",
    path: "/items",
    headers: JSON_HEADERS,
    body: JSON.stringify({ name: "", price: -1, quantity: 0, tags: ["x"] }),
    expect: { status: 422 },
  },
];

export const WORKLOAD_NAMES = WORKLOADS.map((w) => w.name);
