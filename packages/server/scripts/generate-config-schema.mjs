// Writes config.schema.json (policy and server sections in one schema). Run after `build`: `pnpm run schema`.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { configJsonSchema } from "../dist/config-schema.js";

const target = fileURLToPath(new URL("../config.schema.json", import.meta.url));
writeFileSync(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log("wrote config.schema.json");
