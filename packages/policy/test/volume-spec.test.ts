import { describe, expect, it } from "vitest";
import { parseVolumeSpec } from "../src/index.js";

describe("parseVolumeSpec (the one parser: what it returns is judged and sent)", () => {
  it.each([
    ["/host:/ctr", { type: "bind", source: "/host", target: "/ctr", readOnly: false, options: [] }],
    ["/host/:/ctr:ro", { type: "bind", source: "/host", target: "/ctr", readOnly: true, options: ["ro"] }],
    [
      "/etc/./:/host-etc:ro",
      { type: "bind", source: "/etc", target: "/host-etc", readOnly: true, options: ["ro"] },
    ],
    ["//srv//x/:/x", { type: "bind", source: "/srv/x", target: "/x", readOnly: false, options: [] }],
    ["/srv:/x:rw,z", { type: "bind", source: "/srv", target: "/x", readOnly: false, options: ["rw", "z"] }],
    ["data:/data", { type: "volume", source: "data", target: "/data", readOnly: false, options: [] }],
    [
      "my_vol.1:/data:ro,nocopy",
      { type: "volume", source: "my_vol.1", target: "/data", readOnly: true, options: ["ro", "nocopy"] },
    ],
    ["/cache", { type: "anonymous", target: "/cache", readOnly: false, options: [] }],
  ])("%s", (spec, mount) => {
    expect(parseVolumeSpec(spec)).toEqual({ ok: true, mount });
  });

  const unclean = [
    " ",
    "\t",
    "\n",
    "\r",
    "\v",
    "\f",
    "\u00a0",
    "\u1680",
    "\u2000",
    "\u2028",
    "\u2029",
    "\u200b",
    "\u200e",
    "\ufeff",
    "\u0085",
    "\u3000",
    "\u0000",
    "\u007f",
  ];
  it.each(
    unclean.flatMap((c) => [
      `${c}/etc:/h`,
      `/etc${c}:/h`,
      `/e${c}tc:/h`,
      `/etc:${c}/h`,
      `/etc:/h:${c}ro`,
      `${c}data:/d`,
    ]),
  )("refuses %j (whitespace or control characters anywhere)", (spec) => {
    const parsed = parseVolumeSpec(spec);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(/whitespace or control characters/);
  });

  it.each([
    "",
    "relative",
    "./x:/x",
    "~/x:/x",
    "../x:/x",
    "/a/../etc:/x",
    "/a/..:/x",
    "/a:rel",
    "/a:/",
    "/",
    "/a:/b/../c",
    "/a:/b:bogus",
    "/a:/b:ro,rw",
    "/a:/b:",
    "a:b:c:d",
    "bad$name:/x",
    "-v:/x",
    ":/x",
  ])("refuses %j with what to write instead", (spec) => {
    const parsed = parseVolumeSpec(spec);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(/is refused: .*Use \/host\/path:\/container\/path/);
  });
});
