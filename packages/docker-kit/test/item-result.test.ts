import { describe, expect, it } from "vitest";
import { actedOnNothing, type ItemStatus } from "../src/index.js";

const items = (...statuses: ItemStatus[]) => statuses.map((status) => ({ status }));

describe("actedOnNothing", () => {
  it.each([
    [["denied"], true],
    [["not_found"], true],
    [["denied", "not_found", "failed", "skipped"], true],
    [["denied", "done"], false],
    [["denied", "unchanged"], false],
    // The change may have happened: not "nothing".
    [["unknown", "denied"], false],
    [[], false],
  ] as [ItemStatus[], boolean][])("%j -> %s", (statuses, expected) => {
    expect(actedOnNothing(items(...statuses))).toBe(expected);
  });
});
