import { maskText } from "@arktechnwa/mcp-mask";
import type { CompiledKind, CompiledPolicy } from "./compiled.js";
import { summarize } from "./exec-check.js";
import type { Reason } from "./types.js";

/** Loose view of a resource: decide() must cope with whatever a caller passes. */
export interface ResourceLike {
  readonly names: readonly string[];
  readonly id?: string;
  readonly image?: string;
  readonly images?: readonly string[];
}

/** `container "web"`, or `container 3f2a1b9c0d1e` when it has no name. */
export function label(kind: string, r: ResourceLike, stripSlash = false): string {
  const first = r.names[0];
  const name = stripSlash && first?.startsWith("/") ? first.slice(1) : first;
  if (name !== undefined) return `${kind} "${maskText(name)}"`;
  if (typeof r.id === "string" && r.id !== "") return `${kind} ${r.id.replace(/^sha256:/, "").slice(0, 12)}`;
  return `unnamed ${kind}`;
}

function candidates(kind: CompiledKind, names: readonly string[]): readonly string[] {
  if (names.length === 1) return kind.forms(names[0]!);
  const out: string[] = [];
  for (const n of names) for (const f of kind.forms(n)) out.push(f);
  return out;
}

/**
 * Checks one resource against its kind's lists (and, for containers, the image blacklist).
 * Pushes deny reasons; returns a short note for the allow message when it passes.
 */
export function checkResource(
  compiled: CompiledPolicy,
  kindName: string,
  r: ResourceLike,
  reasons: Reason[],
): string | undefined {
  const kind = compiled.kinds.get(kindName);
  if (kind === undefined) {
    reasons.push({
      code: "unknown_kind",
      message: `The request names a resource of kind "${maskText(kindName)}", which this policy does not know (known kinds: ${[...compiled.kinds.keys()].join(", ")}). This is a bug in the tool, not in the policy.`,
    });
    return undefined;
  }
  const { plural } = kind.def;
  const who = label(kindName, r, kind.def.nameForm === "slash-prefixed");
  const before = reasons.length;
  let note: string | undefined;

  if (r.names.length === 0) {
    // Fail closed: a resource we cannot name cannot be shown not to be blacklisted.
    if (kind.blacklist.size > 0 || kind.whitelist.size > 0) {
      reasons.push({
        code: "unnamed",
        message: `${capitalize(who)} has no name, so it cannot be checked against permissions.${kind.blacklist.size > 0 ? "blacklist" : "whitelist"}_${plural}. Give it a name (a tool must pass every name it resolved).`,
      });
    }
  } else {
    const forms = candidates(kind, r.names);
    const black = kind.blacklist.find(forms);
    if (black !== undefined) {
      reasons.push({
        code: "blacklisted",
        rule: `permissions.blacklist_${plural}`,
        pattern: black,
        message: `${capitalize(who)} matches blacklist_${plural} pattern "${black}", so the policy forbids touching it whatever the whitelist says. Remove the pattern from permissions.blacklist_${plural} only if access is really intended.`,
      });
    } else if (kind.whitelist.size > 0) {
      const white = kind.whitelist.find(forms);
      if (white === undefined) {
        reasons.push({
          code: "not_whitelisted",
          rule: `permissions.whitelist_${plural}`,
          message: `${capitalize(who)} matches no pattern of permissions.whitelist_${plural} (${summarize(kind.whitelist.patterns.map((p) => `"${p}"`))}). Add a pattern for it there, or work with a ${kindName} the whitelist admits.`,
        });
      } else {
        note = `${who} (whitelist_${plural} "${white}")`;
      }
    } else {
      note = who;
    }
  }

  if (kind.def.imageKind !== undefined) {
    const imageKind = compiled.kinds.get(kind.def.imageKind);
    if (imageKind !== undefined && imageKind.blacklist.size > 0) {
      // An image is all its names: the one the container was created with and every tag, digest and
      // ID the image carries. Any of them on the blacklist denies.
      for (const image of imageNames(r)) {
        const hit = imageKind.blacklist.find(imageKind.forms(image));
        if (hit === undefined) continue;
        reasons.push({
          code: "image_blacklisted",
          message: `${capitalize(who)} runs ${imageKind.def.name} "${maskText(image)}", which matches blacklist_${imageKind.def.plural} pattern "${hit}"; ${plural} of blacklisted ${imageKind.def.plural} are off limits too. Remove the pattern from permissions.blacklist_${imageKind.def.plural} only if access is intended.`,
        });
        break;
      }
    }
  }
  return reasons.length === before ? (note ?? who) : undefined;
}

function imageNames(r: ResourceLike): string[] {
  const names = typeof r.image === "string" && r.image !== "" ? [r.image] : [];
  if (Array.isArray(r.images)) {
    for (const name of r.images) if (typeof name === "string" && name !== "") names.push(name);
  }
  return names;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
