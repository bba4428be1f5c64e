// Writes policy.schema.json from the Docker vocabulary. Run after `build`: `pnpm run schema`.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dockerVocabulary, generatePolicySchema } from "../dist/index.js";

const target = fileURLToPath(new URL("../policy.schema.json", import.meta.url));
writeFileSync(target, `${JSON.stringify(generatePolicySchema(dockerVocabulary), null, 2)}\n`);
console.log("wrote policy.schema.json");
