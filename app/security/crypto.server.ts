import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * Channel credentials at rest: AES-256-GCM over a JSON blob.
 *
 * Blob format: `ballast:v1:<keyId>:<base64url(iv ‖ tag ‖ ciphertext)>`. The key id is a
 * fingerprint of the key, so a blob names the key that sealed it and keys can rotate:
 * keep the old key in the keyring's `previous` list, `reencrypt` every blob, then drop it.
 * The prefix (and an optional caller context such as `shop|channel`) is authenticated as
 * additional data, so a blob cannot be moved to another shop or relabelled unnoticed.
 *
 * Key material is passed in (see `env().encryptionKey`); this module reads no environment.
 */

const VERSION = "v1";
const PREFIX = "ballast";
const IV_BYTES = 12; // the GCM standard nonce size
const TAG_BYTES = 16;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface Keyring {
  /** Seals new blobs. */
  current: { id: string; key: Buffer };
  /** Still opens blobs sealed before a rotation. */
  previous: ReadonlyArray<{ id: string; key: Buffer }>;
}

export class SecretDecryptionError extends Error {
  override name = "SecretDecryptionError";
}

/** A short, non-secret fingerprint naming a key inside blobs. */
export function keyIdOf(key: Buffer): string {
  return createHash("sha256").update("ballast-key-id:").update(key).digest("hex").slice(0, 12);
}

export function createKeyring(current: Buffer, previous: readonly Buffer[] = []): Keyring {
  for (const key of [current, ...previous]) {
    if (key.length !== 32) throw new RangeError("AES-256-GCM keys must be exactly 32 bytes");
  }
  return {
    current: { id: keyIdOf(current), key: current },
    previous: previous.map((key) => ({ id: keyIdOf(key), key })),
  };
}

function additionalData(keyId: string, context: string | undefined): Buffer {
  return Buffer.from(`${PREFIX}:${VERSION}:${keyId}|${context ?? ""}`, "utf8");
}

export function encryptSecret(plain: JsonValue, keyring: Keyring, options: { context?: string } = {}): string {
  const { id, key } = keyring.current;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(additionalData(id, options.context));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(plain), "utf8"), cipher.final()]);
  const payload = Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64url");
  return `${PREFIX}:${VERSION}:${id}:${payload}`;
}

function parseBlob(blob: string): { keyId: string; iv: Buffer; tag: Buffer; ciphertext: Buffer } {
  const parts = blob.split(":");
  if (parts.length !== 4 || parts[0] !== PREFIX) throw new SecretDecryptionError("not a Ballast secret blob");
  if (parts[1] !== VERSION) throw new SecretDecryptionError(`unsupported secret blob version ${parts[1]}`);
  const bytes = Buffer.from(parts[3]!, "base64url");
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new SecretDecryptionError("secret blob is truncated");
  return {
    keyId: parts[2]!,
    iv: bytes.subarray(0, IV_BYTES),
    tag: bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES),
    ciphertext: bytes.subarray(IV_BYTES + TAG_BYTES),
  };
}

/** The id of the key that sealed a blob (for rotation reports); throws on a malformed blob. */
export function keyIdOfBlob(blob: string): string {
  return parseBlob(blob).keyId;
}

export function decryptSecret(blob: string, keyring: Keyring, options: { context?: string } = {}): JsonValue {
  const { keyId, iv, tag, ciphertext } = parseBlob(blob);
  const entry = [keyring.current, ...keyring.previous].find((candidate) => candidate.id === keyId);
  if (!entry) {
    throw new SecretDecryptionError(
      `secret was sealed with key ${keyId}, which is not in the keyring (was a previous key dropped too early?)`,
    );
  }
  let plain: string;
  try {
    const decipher = createDecipheriv("aes-256-gcm", entry.key, iv);
    decipher.setAAD(additionalData(keyId, options.context));
    decipher.setAuthTag(tag);
    plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
  } catch {
    // Never echo the blob or the cause: both could help an attacker probing the format.
    throw new SecretDecryptionError("secret failed authentication (tampered, wrong key or wrong context)");
  }
  return JSON.parse(plain) as JsonValue;
}

export function needsReencryption(blob: string, keyring: Keyring): boolean {
  return keyIdOfBlob(blob) !== keyring.current.id;
}

/** Re-seals a blob under the current key; a blob already under it is returned unchanged. */
export function reencrypt(blob: string, keyring: Keyring, options: { context?: string } = {}): string {
  if (!needsReencryption(blob, keyring)) {
    decryptSecret(blob, keyring, options); // still prove it opens, so rotation reports are truthful
    return blob;
  }
  return encryptSecret(decryptSecret(blob, keyring, options), keyring, options);
}
