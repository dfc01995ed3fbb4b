import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  SecretDecryptionError,
  createKeyring,
  decryptSecret,
  encryptSecret,
  keyIdOfBlob,
  needsReencryption,
  reencrypt,
} from "./crypto.server";

const credential = { type: "meta", catalogId: "1234567890123456789", accessToken: "EAAG-very-secret-token" };

describe("channel credential encryption", () => {
  it("round-trips a JSON credential and never stores it in clear", () => {
    const keyring = createKeyring(randomBytes(32));
    const blob = encryptSecret(credential, keyring);
    expect(blob).toMatch(/^ballast:v1:[0-9a-f]{12}:[A-Za-z0-9_-]+$/);
    expect(blob).not.toContain("EAAG");
    expect(decryptSecret(blob, keyring)).toEqual(credential);
  });

  it("uses a fresh nonce each time, so equal secrets give different blobs", () => {
    const keyring = createKeyring(randomBytes(32));
    expect(encryptSecret(credential, keyring)).not.toBe(encryptSecret(credential, keyring));
  });

  it("refuses a tampered blob", () => {
    const keyring = createKeyring(randomBytes(32));
    const blob = encryptSecret(credential, keyring);
    const payload = Buffer.from(blob.split(":")[3]!, "base64url");
    payload[payload.length - 1]! ^= 0x01; // flip one ciphertext bit
    const tampered = [...blob.split(":").slice(0, 3), payload.toString("base64url")].join(":");
    expect(() => decryptSecret(tampered, keyring)).toThrow(SecretDecryptionError);
  });

  it("refuses a blob relabelled with another key id or moved to another context", () => {
    const keyring = createKeyring(randomBytes(32));
    const blob = encryptSecret(credential, keyring, { context: "shop-a.myshopify.com|meta" });
    expect(() => decryptSecret(blob, keyring, { context: "shop-b.myshopify.com|meta" })).toThrow(SecretDecryptionError);
    const other = createKeyring(randomBytes(32));
    const relabelled = blob.replace(keyring.current.id, other.current.id);
    const both = createKeyring(other.current.key, [keyring.current.key]);
    expect(() => decryptSecret(relabelled, both, { context: "shop-a.myshopify.com|meta" })).toThrow(
      SecretDecryptionError,
    );
  });

  it("refuses to open with the wrong key and says which key is missing", () => {
    const blob = encryptSecret(credential, createKeyring(randomBytes(32)));
    expect(() => decryptSecret(blob, createKeyring(randomBytes(32)))).toThrow(/not in the keyring/);
  });

  it("rotates: old blobs open with the previous key and re-encrypt under the new one", () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const blob = encryptSecret(credential, createKeyring(oldKey));
    const rotating = createKeyring(newKey, [oldKey]);

    expect(needsReencryption(blob, rotating)).toBe(true);
    const resealed = reencrypt(blob, rotating);
    expect(keyIdOfBlob(resealed)).toBe(rotating.current.id);
    expect(reencrypt(resealed, rotating)).toBe(resealed);

    const afterRotation = createKeyring(newKey); // old key dropped
    expect(decryptSecret(resealed, afterRotation)).toEqual(credential);
    expect(() => decryptSecret(blob, afterRotation)).toThrow(SecretDecryptionError);
  });

  it("rejects malformed blobs and keys of the wrong size", () => {
    const keyring = createKeyring(randomBytes(32));
    expect(() => decryptSecret("not-a-blob", keyring)).toThrow(SecretDecryptionError);
    expect(() => decryptSecret(`ballast:v9:${keyring.current.id}:AAAA`, keyring)).toThrow(/version/);
    expect(() => decryptSecret(`ballast:v1:${keyring.current.id}:AAAA`, keyring)).toThrow(/truncated/);
    expect(() => createKeyring(randomBytes(16))).toThrow(RangeError);
  });
});
