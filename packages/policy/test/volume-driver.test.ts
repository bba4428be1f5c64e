import { describe, expect, it } from "vitest";
import { volumeDriverMount } from "../src/index.js";

describe("volumeDriverMount: what a volume's driver options really mount", () => {
  const bind = (source: string) => ({
    kind: "bind",
    mount: { type: "bind", source, target: "/", readOnly: false, options: [] },
  });
  const cases: [string, string | undefined, Record<string, string> | undefined, unknown][] = [
    ["bind of /etc", "local", { type: "none", o: "bind", device: "/etc" }, bind("/etc")],
    ["no driver means local", undefined, { type: "none", o: "bind", device: "/etc" }, bind("/etc")],
    ["empty driver means local", "", { type: "none", o: "bind", device: "/" }, bind("/")],
    ["rbind among other options", "local", { o: "ro,rbind", device: "/root" }, bind("/root")],
    ["type none alone", "local", { type: "none", device: "/etc" }, bind("/etc")],
    ["a host disk", "local", { type: "ext4", device: "/dev/sda1" }, bind("/dev/sda1")],
    ["normalized", "local", { type: "none", o: "bind", device: "//etc/./ssl/" }, bind("/etc/ssl")],
    ["tmpfs", "local", { type: "tmpfs", device: "tmpfs", o: "size=1m" }, { kind: "none" }],
    ["nfs", "local", { type: "nfs", o: "addr=10.0.0.1", device: ":/export" }, { kind: "none" }],
    ["cifs", "local", { type: "cifs", device: "//host/share" }, { kind: "none" }],
    ["no options", "local", undefined, { kind: "none" }],
    ["a plugin's options are its own", "rexray", { device: "/etc" }, { kind: "none" }],
  ];
  for (const [what, driver, opts, expected] of cases) {
    it(what, () => expect(volumeDriverMount(driver, opts)).toEqual(expected));
  }
  const refused: [string, Record<string, string>, RegExp][] = [
    ["relative device", { type: "none", o: "bind", device: "etc" }, /must be an absolute path/],
    ["dot device", { type: "ext4", device: "./disk" }, /must be an absolute path/],
    ["'..'", { type: "none", o: "bind", device: "/tmp/../etc" }, /'\.\.'/],
    ["whitespace", { type: "none", o: "bind", device: " /etc" }, /whitespace/],
    ["bind without device", { type: "none", o: "bind" }, /give no device/],
  ];
  for (const [what, opts, why] of refused) {
    it(`refuses ${what}`, () => {
      const r = volumeDriverMount("local", opts);
      expect(r.kind).toBe("problem");
      expect(r.kind === "problem" ? r.problem : "").toMatch(why);
    });
  }
  it("keeps the mount's target", () => {
    expect(volumeDriverMount("local", { o: "bind", device: "/etc" }, "/data")).toMatchObject({
      mount: { target: "/data" },
    });
  });
});
