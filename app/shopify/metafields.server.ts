import type { AdminClient } from "./admin-client.server";
import { AdminApiError } from "./admin-errors";
import {
  BUFFER_METAFIELD,
  BUFFER_METAFIELDS_READ_QUERY,
  METAFIELDS_SET_MUTATION,
  type BufferMetafieldsReadData,
  type MetafieldsSetData,
} from "./operations/metafields";

export const MAX_METAFIELDS_PER_SET = 25;
const MAX_IDS_PER_READ = 250;

export interface BufferMetafield {
  ownerId: string;
  /** Parsed JSON value; null when the owner has no buffer metafield. */
  value: unknown;
  /** Pass back on write for compare-and-set. */
  compareDigest: string | null;
  found: boolean;
}

export async function readBufferMetafields(
  client: AdminClient,
  ownerIds: readonly string[],
  options: { signal?: AbortSignal } = {},
): Promise<BufferMetafield[]> {
  const results: BufferMetafield[] = [];
  for (let start = 0; start < ownerIds.length; start += MAX_IDS_PER_READ) {
    const chunk = ownerIds.slice(start, start + MAX_IDS_PER_READ);
    const { data } = await client.request<BufferMetafieldsReadData>(BUFFER_METAFIELDS_READ_QUERY, { ownerIds: chunk }, options);
    chunk.forEach((ownerId, index) => {
      const node = data.nodes[index];
      const metafield = node && "id" in node ? node.metafield : null;
      let value: unknown = null;
      if (metafield) {
        try {
          value = JSON.parse(metafield.value) as unknown;
        } catch {
          value = null;
        }
      }
      results.push({ ownerId, value, compareDigest: metafield?.compareDigest ?? null, found: !!node && "id" in node });
    });
  }
  return results;
}

export interface BufferMetafieldWrite {
  ownerId: string;
  value: unknown;
  /** Omit to write unconditionally; null = only if none exists yet; a digest = only if unchanged. */
  compareDigest?: string | null;
}

export type BufferMetafieldWriteResult =
  | { ownerId: string; ok: true; compareDigest: string }
  | { ownerId: string; ok: false; code: string; message: string };

/**
 * Writes in chunks of 25 (metafieldsSet's limit). A chunk is atomic: when one metafield
 * fails, Shopify writes none of the chunk, so the others are reported "NOT_WRITTEN"
 * and the caller may retry them.
 */
export async function writeBufferMetafields(
  client: AdminClient,
  writes: readonly BufferMetafieldWrite[],
  options: { signal?: AbortSignal } = {},
): Promise<BufferMetafieldWriteResult[]> {
  const results: BufferMetafieldWriteResult[] = [];
  for (let start = 0; start < writes.length; start += MAX_METAFIELDS_PER_SET) {
    const chunk = writes.slice(start, start + MAX_METAFIELDS_PER_SET);
    const metafields = chunk.map((write) => ({
      ownerId: write.ownerId,
      namespace: BUFFER_METAFIELD.namespace,
      key: BUFFER_METAFIELD.key,
      type: BUFFER_METAFIELD.type,
      value: JSON.stringify(write.value),
      ...(write.compareDigest === undefined ? {} : { compareDigest: write.compareDigest }),
    }));
    const { data } = await client.request<MetafieldsSetData>(METAFIELDS_SET_MUTATION, { metafields }, options);
    const payload = data.metafieldsSet;
    if (!payload) throw new AdminApiError("metafieldsSet returned no payload", "GRAPHQL", false);
    if (payload.userErrors.length) {
      chunk.forEach((write, index) => {
        const error = payload.userErrors.find((candidate) => candidate.elementIndex === index || candidate.field?.[1] === String(index));
        results.push(
          error
            ? { ownerId: write.ownerId, ok: false, code: error.code ?? "UNKNOWN", message: error.message }
            : { ownerId: write.ownerId, ok: false, code: "NOT_WRITTEN", message: "another metafield in the same atomic call failed" },
        );
      });
      continue;
    }
    chunk.forEach((write, index) => {
      results.push({ ownerId: write.ownerId, ok: true, compareDigest: payload.metafields?.[index]?.compareDigest ?? "" });
    });
  }
  return results;
}
