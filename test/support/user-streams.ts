import type { UserServiceImplementation } from "../gen/user";

/** UserService's client and bidi streaming methods as most tests want them: count the bytes, echo the messages. */
export const countingUpload: UserServiceImplementation["upload"] = async (requests) => {
  let n = 0;
  for await (const r of requests) n += r.chunk.length;
  return { total: n };
};

export const echoChat: UserServiceImplementation["chat"] = async function* (requests) {
  for await (const m of requests) yield { text: m.text };
};
