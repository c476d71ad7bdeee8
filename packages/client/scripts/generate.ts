import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { generateOpenApiTypes } from "./openapi-source";

const target = fileURLToPath(new URL("../src/openapi.d.ts", import.meta.url));
writeFileSync(target, await generateOpenApiTypes());
process.stdout.write(`wrote ${target}\n`);
