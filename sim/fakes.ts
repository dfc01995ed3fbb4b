/**
 * `npm run fakes [-- --variants N]`: the Shopify, Meta and Google fakes on loopback with
 * a seeded shop, catalog and matching Meta/Google items, until Ctrl-C. Prints the
 * base URLs to give the app (SHOPIFY_ADMIN_API_BASE_URL, META_GRAPH_BASE_URL, …) and the
 * credentials the fakes accept. The fake Shopify also takes control calls over HTTP:
 * `POST <shopify>/_control/<method>` with a JSON array of arguments (sim/fakes/shopify/README.md).
 */
import { parseArgs } from "node:util";
import { startWorld } from "./world";

const { values } = parseArgs({ options: { variants: { type: "string", default: "20" } } });
const variants = Number(values.variants);
if (!Number.isInteger(variants) || variants < 1 || variants > 100_000) {
  console.error("--variants must be a whole number between 1 and 100000");
  process.exit(2);
}
const world = await startWorld({ variants, stockPerVariant: () => 10 });
console.log(`Fakes up: ${variants} variants in ${world.shop}, location ${world.locationGid}\n`);
for (const [name, value] of Object.entries(world.env)) console.log(`${name}=${value}`);
console.log(`\nShopify access token: ${world.accessToken}`);
console.log(`Meta catalog ${world.catalogId}, token ${world.metaAccessToken}`);
console.log(`Google account ${world.google_.accountId}, supplemental data source ${world.google_.dataSourceId}`);
console.log("\nCtrl-C to stop.");
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void world.close().then(() => process.exit(0)));
}
