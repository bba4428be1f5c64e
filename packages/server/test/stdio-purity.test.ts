import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BIN, writeConfig } from "./harness.js";

describe("stdout carries only JSON-RPC", () => {
  it("every line the server writes on stdout is a JSON-RPC message, whatever happens", async () => {
    const child = spawn(process.execPath, [BIN, "--config", writeConfig({ permissions: { exec: true } })], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    const send = (message: unknown) => child.stdin.write(`${JSON.stringify(message)}\n`);
    send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "0" } },
    });
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    child.stdin.write("this is not json\n");
    send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
    send({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "docker_ps", arguments: {} } });
    send({
      jsonrpc: "2.0",
      id: 4,
      method: "tools/call",
      params: { name: "docker_exec", arguments: { container: "x" } },
    });
    send({ jsonrpc: "2.0", id: 5, method: "tools/call", params: { name: "nope", arguments: {} } });
    send({ jsonrpc: "2.0", id: 6, method: "no/such/method" });
    const deadline = Date.now() + 15_000;
    // Answers may come in any order (JSON-RPC allows it): a request for the tools waits for the plugins
    // to load, one for an unknown method does not.
    const answered = () => [1, 2, 3, 4, 5, 6].every((id) => out.includes(`"id":${id}`));
    while (Date.now() < deadline && !answered()) await new Promise((r) => setTimeout(r, 50));
    child.stdin.end();
    await new Promise((r) => child.once("exit", r));
    const lines = out.split("\n").filter((line) => line.length > 0);
    expect(lines.length).toBeGreaterThanOrEqual(6);
    for (const line of lines) {
      const message = JSON.parse(line) as { jsonrpc?: string };
      expect(message.jsonrpc).toBe("2.0");
    }
    const ids = lines
      .map((line) => (JSON.parse(line) as { id?: number | null }).id)
      .filter((id) => id !== undefined);
    // The line that is not JSON is answered with a parse error, whose id is null (JSON-RPC 2.0).
    expect(ids.filter((id) => id === null)).toHaveLength(1);
    expect(ids.filter((id) => id !== null).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(lines.some((line) => /"id":null,"error":\{"code":-32700/.test(line))).toBe(true);
  });
});
