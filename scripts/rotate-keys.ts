/**
 * `npm run rotate-keys`: re-seal stored secrets under BALLAST_ENCRYPTION_KEY, opening old
 * ones with BALLAST_ENCRYPTION_KEY_PREVIOUS. See README "Key rotation".
 * Production runs its build (build/worker/rotate-keys.js, from `npm run build`);
 * `npm run rotate-keys:dev` runs this source through tsx.
 */
import { db } from "~/db.server";
import { env } from "~/env.server";
import { createKeyring } from "~/security/crypto.server";
import { rotateKeys } from "../app/worker/rotate-keys.server";

const config = env();
const database = db(config.DATABASE_URL);
const report = await rotateKeys(database, createKeyring(config.encryptionKey, config.previousEncryptionKeys));
console.log(`re-sealed ${report.resealed}, already current ${report.alreadyCurrent}, failed ${report.failed.length}`);
for (const failure of report.failed)
  console.log(`  cannot open ${failure.what} of ${failure.shop}: is its key in BALLAST_ENCRYPTION_KEY_PREVIOUS?`);
await database.$disconnect();
process.exit(report.failed.length > 0 ? 1 : 0);
