import { credentialContext } from "~/channels/connection-config";
import type { Database } from "~/db.server";
import { secretContext } from "~/records/alert-settings.server";
import { needsReencryption, reencrypt, type Keyring } from "~/security/crypto.server";

/**
 * Key rotation: re-seals every stored secret (channel credentials, alert delivery
 * secrets) under the current key. Blobs already under it are only proven to open.
 * Run with the new key as BALLAST_ENCRYPTION_KEY and the old one in
 * BALLAST_ENCRYPTION_KEY_PREVIOUS; once it reports 0 remaining, drop the old key.
 */
export interface RotationReport {
  resealed: number;
  alreadyCurrent: number;
  failed: { shop: string; what: string }[];
}

export async function rotateKeys(database: Database, keyring: Keyring): Promise<RotationReport> {
  const report: RotationReport = { resealed: 0, alreadyCurrent: 0, failed: [] };
  const reseal = (blob: string, context: string, shop: string, what: string): string => {
    try {
      const stale = needsReencryption(blob, keyring);
      const next = reencrypt(blob, keyring, { context });
      if (stale) report.resealed += 1;
      else report.alreadyCurrent += 1;
      return next;
    } catch {
      report.failed.push({ shop, what });
      return blob;
    }
  };

  const connections = await database.channelConnection.findMany({ where: { encryptedCredentials: { not: null } } });
  for (const connection of connections) {
    const next = reseal(
      connection.encryptedCredentials!,
      credentialContext(connection.shop, connection.channel),
      connection.shop,
      connection.channel,
    );
    if (next !== connection.encryptedCredentials) {
      await database.channelConnection.update({
        where: { shop_channel: { shop: connection.shop, channel: connection.channel } },
        data: { encryptedCredentials: next },
      });
    }
  }

  const shops = await database.shop.findMany({ select: { shop: true, settings: true } });
  for (const { shop, settings } of shops) {
    const stored = (settings ?? {}) as { alertSecrets?: Record<string, unknown> };
    if (!stored.alertSecrets) continue;
    const secrets: Record<string, unknown> = { ...stored.alertSecrets };
    let changed = false;
    for (const [name, blob] of Object.entries(secrets)) {
      if (typeof blob !== "string") continue;
      const next = reseal(blob, secretContext(shop, name), shop, `alert ${name}`);
      if (next !== blob) {
        secrets[name] = next;
        changed = true;
      }
    }
    if (changed)
      await database.shop.update({
        where: { shop },
        data: { settings: { ...stored, alertSecrets: secrets } as object },
      });
  }
  return report;
}
