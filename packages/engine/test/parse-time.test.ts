import { describe, expect, it } from "vitest";
import { parseTime } from "../src/index.js";

const NOW_MS = Date.parse("2024-06-01T12:00:00Z");
const NOW = NOW_MS / 1000;

describe("parseTime", () => {
  it.each([
    ["2024-01-02T03:04:05Z", Date.parse("2024-01-02T03:04:05Z") / 1000],
    ["2024-01-02T03:04:05.5Z", Date.parse("2024-01-02T03:04:05.5Z") / 1000],
    ["2024-01-02T03:04:05+02:00", Date.parse("2024-01-02T01:04:05Z") / 1000],
    ["2024-01-02", Date.parse("2024-01-02T00:00:00Z") / 1000],
    ["1704207845", 1704207845],
    ["1704207845.25", 1704207845.25],
    ["-1h", NOW - 3600],
    ["1h", NOW - 3600],
    ["30m", NOW - 1800],
    ["2h30m", NOW - 9000],
    ["10s", NOW - 10],
    ["1d", NOW - 86400],
    ["1w", NOW - 604800],
    ["1.5h", NOW - 5400],
    ["500ms", NOW - 0.5],
    ["  45m ", NOW - 2700],
  ])("%s", (input, expected) => {
    expect(parseTime(input, NOW_MS)).toBeCloseTo(expected, 6);
  });

  it("accepts now in seconds too", () => {
    expect(parseTime("1m", NOW)).toBe(NOW - 60);
  });

  it.each(["", "yesterday", "1y", "-", "12:00", "2024-13-45", "1h 30m", "h1"])(
    "rejects %j clearly",
    (input) => {
      expect(() => parseTime(input, NOW_MS)).toThrow(/Invalid time .*RFC 3339.*Unix seconds.*30m/);
    },
  );
});
