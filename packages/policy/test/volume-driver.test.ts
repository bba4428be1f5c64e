import { describe, expect, it } from "vitest";
import { decide, loadPolicy, volumeCreateFacts, volumeDriverMount } from "../src/index.js";

describe("volumeDriverMount: what a volume's driver options really mount", () => {
  const at = (source: string) => ({ type: "bind", source, target: "/", readOnly: false, options: [] });
  const bind = (...sources: string[]) => ({
    kind: "bind",
    mount: at(sources[0] as string),
    mounts: sources.map(at),
  });
  const cases: [string, string | undefined, Record<string, string> | null | undefined, unknown][] = [
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
    [
      "an overlay shows its lower, upper and work directories",
      "local",
      { type: "overlay", device: "overlay", o: "lowerdir=/etc:/root,upperdir=/tmp/u,workdir=/tmp/w" },
      bind("/etc", "/root", "/tmp/u", "/tmp/w"),
    ],
    ["bind in upper case", "local", { type: "NONE", o: "BIND", device: "/etc" }, bind("/etc")],
    [
      "a path among tmpfs options",
      "local",
      { type: "tmpfs", device: "tmpfs", o: "size=1m,x=/etc" },
      bind("/etc"),
    ],
    [
      "a cifs credentials file",
      "local",
      { type: "cifs", device: "//h/s", o: "credentials=/root/c" },
      bind("/root/c"),
    ],
    [
      "nfs options name no path",
      "local",
      { type: "nfs", o: "addr=10.0.0.1,nfsvers=4,rw", device: ":/export" },
      { kind: "none" },
    ],
    [
      "a selinux context is no path",
      "local",
      { type: "tmpfs", device: "tmpfs", o: 'context="system_u:object_r:svirt_sandbox_file_t:s0"' },
      { kind: "none" },
    ],
    [
      "a plugin's options are the plugin's to judge",
      "rexray",
      { device: "/etc" },
      { kind: "plugin", driver: "rexray" },
    ],
    ["a plugin without options", "rexray", {}, { kind: "none" }],
    ["a record's empty options", "local", {}, { kind: "none" }],
    ["a record's null options", "local", null, { kind: "none" }],
    ["size alone", "local", { size: "10G" }, { kind: "none" }],
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
    [
      "an overlay with a relative lower directory",
      { type: "overlay", device: "overlay", o: "lowerdir=etc:/x" },
      /absolute path/,
    ],
    ["an overlay with '..'", { type: "overlay", device: "overlay", o: "lowerdir=/tmp/../etc" }, /'\.\.'/],
    [
      "an unknown option key",
      { type: "none", o: "bind", device: "/tmp/x", mountpoint: "/etc" },
      /'mountpoint' cannot be judged/,
    ],
    ["an unknown option alone", { foo: "bar" }, /'foo' cannot be judged/],
    [
      "an option key in another case",
      { Device: "/etc", type: "none", o: "bind" },
      /'Device' cannot be judged/,
    ],
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

  describe("volumeCreateFacts: the same judgment as create facts", () => {
    it("a bind record is a bind mount at its target", () => {
      expect(
        volumeCreateFacts("volume etc", "local", { type: "none", o: "bind", device: "/etc" }, "/x"),
      ).toEqual({
        mounts: [{ type: "bind", source: "/etc", target: "/x", readOnly: false, options: [] }],
      });
    });
    it("a plugin with options is a driver to trust", () => {
      expect(volumeCreateFacts("volume p", "rexray", { size: "1" })).toEqual({ volumeDrivers: ["rexray"] });
    });
    it("what cannot be judged names the volume", () => {
      expect(volumeCreateFacts("volume odd", "local", { foo: "1" })).toEqual({
        unjudged: [
          "volume odd: the volume's local driver option 'foo' cannot be judged (known: type, o, device, size)",
        ],
      });
    });
    it("a plain volume asks nothing", () => {
      expect(volumeCreateFacts("volume v", "local", {})).toEqual({});
    });
    it("judged by decide as a volume created with those options would be", () => {
      const policy = loadPolicy({ permissions: { create: true } });
      const judge = (driver: string, options: Record<string, string>) =>
        decide(policy, {
          tool: "t",
          levels: ["create"],
          create: volumeCreateFacts("volume v", driver, options, "/v"),
        });
      expect(judge("local", { type: "none", o: "bind", device: "/etc" }).allowed).toBe(false);
      expect(judge("local", { type: "none", o: "bind", device: "/srv/data" }).allowed).toBe(true);
      expect(judge("local", { type: "tmpfs", device: "tmpfs", o: "size=1m" }).allowed).toBe(true);
      expect(judge("local", { type: "ext4", device: "/dev/sda1" }).allowed).toBe(false);
      expect(judge("local", { bogus: "x" }).allowed).toBe(false);
      expect(judge("sshfs", { sshcmd: "me@host:/" }).allowed).toBe(false);
    });
  });
});
