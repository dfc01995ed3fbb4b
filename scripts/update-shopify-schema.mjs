// Copies Shopify's Admin GraphQL introspection out of the @shopify/dev-mcp package into
// sim/fakes/shopify/artifacts/, the schema the fake Shopify and every app document are
// checked against (sim/fakes/shopify/schema-contract.test.ts). The package itself is not a
// dependency: it brings the Shopify CLI and Hydrogen (~1,000 packages) for one 0.9 MB file.
//
//   node scripts/update-shopify-schema.mjs [dev-mcp version] [API version]
//
// When Shopify releases a new API version: run it with the new dev-mcp version and API
// version, move ADMIN_API_VERSION (app/shopify/admin-client.server.ts), and fix what the tests report.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const [devMcpVersion = "1.16.0", apiVersion = "2026-10"] = process.argv.slice(2);
const artifacts = "sim/fakes/shopify/artifacts";
const scratch = mkdtempSync(path.join(tmpdir(), "dev-mcp-"));
try {
  const tarball = execFileSync("npm", ["pack", `@shopify/dev-mcp@${devMcpVersion}`, "--silent"], {
    cwd: scratch,
    encoding: "utf8",
  }).trim();
  const inside = `package/dist/data/admin_${apiVersion}.json.gz`;
  execFileSync("tar", ["xzf", tarball, inside], { cwd: scratch });
  const schema = readFileSync(path.join(scratch, inside));
  const file = `admin_${apiVersion}.json.gz`;
  writeFileSync(path.join(artifacts, file), schema);
  const source = {
    file,
    apiVersion,
    package: `@shopify/dev-mcp@${devMcpVersion}`,
    pathInPackage: inside.replace(/^package\//, ""),
    sha256: createHash("sha256").update(schema).digest("hex"),
  };
  writeFileSync(path.join(artifacts, "source.json"), `${JSON.stringify(source, null, 2)}\n`);
  console.log(`update-shopify-schema: ${file} from ${source.package} (${schema.length} bytes)`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
