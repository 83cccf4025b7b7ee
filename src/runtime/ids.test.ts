import { describe, expect, it } from "vitest";
import { publishId, publishParts, topicMatches, topicsOverlap } from "./ids";

describe("publish keys", () => {
  it("round-trip their parts, whatever characters a topic has", () => {
    for (const parts of [["chat"], ["room:", ""], ["", ""], ['a"b\\', "*", "\n\u0000"], [""]]) expect(publishParts(publishId(parts))).toEqual(parts);
    expect(publishParts("GET /chat")).toBeUndefined();
  });

  it("match a topic by its literal parts in order, anything between them", () => {
    expect(topicMatches(["chat"], "chat")).toBe(true);
    expect(topicMatches(["chat"], "chat2")).toBe(false);
    expect(topicMatches(["room:", ""], "room:")).toBe(true);
    expect(topicMatches(["room:", ""], "room:den")).toBe(true);
    expect(topicMatches(["room:", ""], "rooms:den")).toBe(false);
    expect(topicMatches(["", ""], "")).toBe(true);
    expect(topicMatches(["a", "b", "c"], "a-b-c")).toBe(true);
    expect(topicMatches(["a", "b", "c"], "abc")).toBe(true);
    expect(topicMatches(["a", "b", "c"], "acb")).toBe(false);
    // The start and end may not share characters: "aba" is not "ab" + ... + "ba".
    expect(topicMatches(["ab", "ba"], "aba")).toBe(false);
    expect(topicMatches(["ab", "ba"], "abba")).toBe(true);
    // A middle part may not reach into the end.
    expect(topicMatches(["x", "yz", "z"], "xyz")).toBe(false);
    expect(topicMatches(["x", "yz", "z"], "xyzz")).toBe(true);
    expect(topicMatches(["a", ""], "a".repeat(1_000_000))).toBe(true);
  });

  it("overlap when some topic matches both", () => {
    expect(topicsOverlap(["chat"], ["chat"])).toBe(true);
    expect(topicsOverlap(["chat"], ["news"])).toBe(false);
    expect(topicsOverlap(["room:", ""], ["", ""])).toBe(true);
    expect(topicsOverlap(["room:", ""], ["room:lobby"])).toBe(true);
    expect(topicsOverlap(["room:", ""], ["alerts:", ""])).toBe(false);
    expect(topicsOverlap(["room:", ""], ["", ":vip"])).toBe(true);
    expect(topicsOverlap(["a:", ""], ["", ":b"])).toBe(true);
    expect(topicsOverlap(["a", "b"], ["", "c"])).toBe(false);
    expect(topicsOverlap(["x", "", "y"], ["xy"])).toBe(true);
    expect(topicsOverlap(["x", "y"], ["x"])).toBe(false);
  });

  it("agree with matching on every short topic", () => {
    const patterns = [["a"], ["ab"], ["a", ""], ["", "b"], ["a", "b"], ["", "a", ""], ["b", "a"], ["", ""], ["aa", "a"]];
    const topics = [""];
    for (let n = 0; n < 4; n++) for (const t of [...topics]) for (const c of "ab") if (t.length === n) topics.push(t + c);
    for (const p of patterns) {
      for (const q of patterns) {
        const both = topics.some((t) => topicMatches(p, t) && topicMatches(q, t));
        expect(topicsOverlap(p, q), `${JSON.stringify(p)} ${JSON.stringify(q)}`).toBe(both);
      }
    }
  });

  it("check long patterns in quadratic time", () => {
    const started = Date.now();
    expect(topicsOverlap(["a".repeat(2000), "b"], ["", "a".repeat(2000) + "c"])).toBe(false);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
