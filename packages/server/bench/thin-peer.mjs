// The "thin peer" of the benchmark: the thinnest useful Docker MCP server, as users install them from
// npm: dockerode behind three MCP tools, answers as one text block of compact JSON. No policy, no
// masking, no deadlines. Started over stdio by bench.mjs and measured in the same run as docker-mcp.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import Docker from "dockerode";
import { z } from "zod";

const docker = new Docker({ socketPath: process.env.DOCKER_SOCKET ?? "/var/run/docker.sock" });
const server = new McpServer({ name: "thin-peer", version: "0" });
const text = (value) => ({ content: [{ type: "text", text: JSON.stringify(value) }] });

server.registerTool("list_containers", { inputSchema: { all: z.boolean().optional() } }, async ({ all }) =>
  text(await docker.listContainers({ all: all ?? false })),
);
server.registerTool("inspect_container", { inputSchema: { id: z.string() } }, async ({ id }) =>
  text(await docker.getContainer(id).inspect()),
);
server.registerTool(
  "container_logs",
  { inputSchema: { id: z.string(), tail: z.number().int().optional() } },
  async ({ id, tail }) => {
    const raw = await docker.getContainer(id).logs({ stdout: true, stderr: true, tail: tail ?? 100 });
    // Demultiplexed: 8-byte frame headers, then the payload.
    const parts = [];
    for (let i = 0; i + 8 <= raw.length; ) {
      const size = raw.readUInt32BE(i + 4);
      parts.push(raw.subarray(i + 8, i + 8 + size));
      i += 8 + size;
    }
    return { content: [{ type: "text", text: Buffer.concat(parts).toString("utf8") }] };
  },
);
await server.connect(new StdioServerTransport());
