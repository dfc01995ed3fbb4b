import { createHash } from "node:crypto";
import type { AdminClient } from "./admin-client.server";
import { AdminApiError } from "./admin-errors";
import type {
  BallastBufferMetafieldsQuery,
  BallastBufferMetafieldsQueryVariables,
  BallastMetafieldsSetMutation,
  BallastMetafieldsSetMutationVariables,
  BallastShopBufferMetafieldQuery,
  BallastShopBufferMetafieldQueryVariables,
  MetafieldsSetInput,
} from "./generated/admin-types";
import {
  BUFFER_METAFIELD,
  BUFFER_METAFIELDS_READ_QUERY,
  BUFFER_SYNCED_METAFIELD,
  METAFIELDS_SET_MUTATION,
  SHOP_BUFFER_METAFIELD_QUERY,
  type BufferOwnerNode,
} from "./operations/metafields";

export const MAX_METAFIELDS_PER_SET = 25;
const MAX_IDS_PER_READ = 250;

export interface BufferMetafield {
  ownerId: string;
  /** Parsed JSON value; null when the owner has no buffer metafield or its value is not JSON. */
  value: unknown;
  /** The stored string, as Shopify holds it; null when there is no buffer metafield. */
  raw: string | null;
  /** Pass back on write for compare-and-set. */
  compareDigest: string | null;
  /** Ballast's `buffer_synced` marker: bufferMarker() of the value Ballast last wrote or accepted. */
  synced: string | null;
  /** false when the owner does not exist (deleted) or is not a product, variant or collection. */
  found: boolean;
}

function toBufferMetafield(
  ownerId: string,
  node: BallastBufferMetafieldsQuery["nodes"][number] | BufferOwnerNode | undefined,
): BufferMetafield {
  const owner = node && "id" in node ? node : null;
  const raw = owner?.buffer?.value ?? null;
  let value: unknown = null;
  if (raw !== null) {
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      value = null;
    }
  }
  return {
    ownerId,
    value,
    raw,
    compareDigest: owner?.buffer?.compareDigest ?? null,
    synced: owner?.synced?.value ?? null,
    found: owner !== null,
  };
}

export async function readBufferMetafields(
  client: AdminClient,
  ownerIds: readonly string[],
  options: { signal?: AbortSignal } = {},
): Promise<BufferMetafield[]> {
  const results: BufferMetafield[] = [];
  for (let start = 0; start < ownerIds.length; start += MAX_IDS_PER_READ) {
    const chunk = ownerIds.slice(start, start + MAX_IDS_PER_READ);
    const { data } = await client.request<BallastBufferMetafieldsQuery, BallastBufferMetafieldsQueryVariables>(
      BUFFER_METAFIELDS_READ_QUERY,
      { ownerIds: chunk },
      options,
    );
    chunk.forEach((ownerId, index) => results.push(toBufferMetafield(ownerId, data.nodes[index])));
  }
  return results;
}

/** The shop's own buffer metafield (its defaults), with the shop's id. */
export async function readShopBufferMetafield(
  client: AdminClient,
  options: { signal?: AbortSignal } = {},
): Promise<BufferMetafield> {
  const { data } = await client.request<BallastShopBufferMetafieldQuery, BallastShopBufferMetafieldQueryVariables>(
    SHOP_BUFFER_METAFIELD_QUERY,
    {},
    options,
  );
  return toBufferMetafield(data.shop.id, data.shop);
}

/** JSON with sorted keys and no undefined members: one spelling per value. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((entry) => canonicalJson(entry)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * What the `buffer_synced` marker holds for a buffer value: a digest of its canonical JSON
 * (Shopify may re-serialise a json value, so the stored string is not compared), or
 * "absent" when there is no buffer metafield. Shopify's compareDigest cannot be computed
 * by the app, hence a digest of Ballast's own.
 */
export function bufferMarker(value: unknown): string {
  if (value === undefined) return "absent";
  return `sha256:${createHash("sha256").update(canonicalJson(value)).digest("hex")}`;
}

/** A metafield whose raw value is not JSON gets a marker no JSON value can have. */
export function rawBufferMarker(metafield: Pick<BufferMetafield, "raw" | "value">): string {
  if (metafield.raw === null) return "absent";
  if (metafield.value === null && metafield.raw.trim() !== "null")
    return `raw:${createHash("sha256").update(metafield.raw).digest("hex")}`;
  return bufferMarker(metafield.value);
}

export interface BufferPairWrite {
  ownerId: string;
  /** The buffer value to write; omitted to write only the marker. */
  value?: unknown;
  /** For the buffer metafield: omit to write unconditionally; null = only if none exists yet; a digest = only if unchanged. */
  compareDigest?: string | null;
  /** The marker to store (bufferMarker of the value written, or of the value accepted). */
  synced: string;
}

/**
 * Writes buffer values with their `buffer_synced` marker in the same atomic metafieldsSet
 * call (≤ 25 metafields: 12 owners a call), so a marker never describes a value that was
 * not written. A call is atomic: when one metafield fails, Shopify writes none of the call,
 * so the others are reported "NOT_WRITTEN" and the caller may retry them.
 */
export async function writeBufferMetafieldPairs(
  client: AdminClient,
  writes: readonly BufferPairWrite[],
  options: { signal?: AbortSignal } = {},
): Promise<BufferMetafieldWriteResult[]> {
  const results: BufferMetafieldWriteResult[] = [];
  const ownersPerCall = Math.floor(MAX_METAFIELDS_PER_SET / 2);
  for (let start = 0; start < writes.length; start += ownersPerCall) {
    const chunk = writes.slice(start, start + ownersPerCall);
    const metafields: MetafieldsSetInput[] = [];
    const ownerOfEntry: number[] = [];
    chunk.forEach((write, index) => {
      if (write.value !== undefined) {
        metafields.push({
          ownerId: write.ownerId,
          namespace: BUFFER_METAFIELD.namespace,
          key: BUFFER_METAFIELD.key,
          type: BUFFER_METAFIELD.type,
          value: JSON.stringify(write.value),
          ...(write.compareDigest === undefined ? {} : { compareDigest: write.compareDigest }),
        });
        ownerOfEntry.push(index);
      }
      metafields.push({ ownerId: write.ownerId, ...BUFFER_SYNCED_METAFIELD, value: write.synced });
      ownerOfEntry.push(index);
    });
    const { data } = await client.request<BallastMetafieldsSetMutation, BallastMetafieldsSetMutationVariables>(
      METAFIELDS_SET_MUTATION,
      { metafields },
      options,
    );
    const payload = data.metafieldsSet;
    if (!payload) throw new AdminApiError("metafieldsSet returned no payload", "GRAPHQL", false);
    if (payload.userErrors.length) {
      chunk.forEach((write, index) => {
        const error = payload.userErrors.find((candidate) => {
          const entry =
            candidate.elementIndex ?? (candidate.field?.[1] !== undefined ? Number(candidate.field[1]) : -1);
          return ownerOfEntry[entry] === index;
        });
        results.push(
          error
            ? { ownerId: write.ownerId, ok: false, code: error.code ?? "UNKNOWN", message: error.message }
            : {
                ownerId: write.ownerId,
                ok: false,
                code: "NOT_WRITTEN",
                message: "another metafield in the same atomic call failed",
              },
        );
      });
      continue;
    }
    chunk.forEach((write, index) => {
      const entry = ownerOfEntry.indexOf(index);
      results.push({
        ownerId: write.ownerId,
        ok: true,
        compareDigest: write.value !== undefined ? (payload.metafields?.[entry]?.compareDigest ?? "") : "",
      });
    });
  }
  return results;
}

export type BufferMetafieldWriteResult =
  { ownerId: string; ok: true; compareDigest: string } | { ownerId: string; ok: false; code: string; message: string };
