// Writes src/generated/docker-policy-validator.ts, the Docker vocabulary's policy validator as ajv
// standalone code (so a start compiles no schema). Run after `build` whenever the vocabulary or schema
// changes: `pnpm run validator`, then build again. A test fails while the file is out of date.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dockerVocabulary, generatePolicySchema } from "../dist/index.js";
import { validatorSource } from "../dist/validator-source.js";

const target = fileURLToPath(new URL("../src/generated/docker-policy-validator.ts", import.meta.url));
writeFileSync(target, validatorSource(generatePolicySchema(dockerVocabulary)));
console.log("wrote src/generated/docker-policy-validator.ts");
