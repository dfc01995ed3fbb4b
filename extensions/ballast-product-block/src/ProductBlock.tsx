/** @jsxImportSource preact */
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";

/**
 * Admin block on the product page: for each variant, what Ballast shows each channel.
 * `fetch` with a path relative to the app reaches Ballast's backend with a session token
 * added by Shopify admin (GET /api/v1/products/{productId}/items, session-token auth).
 */
interface ChannelQuantity {
  channel: "online_store" | "meta" | "google";
  state: string;
  quantity: number;
  availability: string;
  explanation: string;
  override: { quantity: number; expiresAt: string } | null;
}

interface ItemQuantities {
  variantId: string;
  title: string;
  sku: string | null;
  sellable: number;
  channels: ChannelQuantity[];
}

type Load = { state: "loading" } | { state: "error"; detail: string } | { state: "loaded"; items: ItemQuantities[] };

/** The part of the admin block API used here (typed locally: the app's App Bridge also declares a global `shopify`). */
interface BlockApi {
  data: { selected: { id: string }[] };
  i18n: { translate(key: string, options?: Record<string, string | number>): string };
}
const api = (): BlockApi => (globalThis as unknown as { shopify: BlockApi }).shopify;

const numericId = (gid: string) => /([0-9]+)$/.exec(gid)?.[1] ?? gid;

export async function loadQuantities(productId: string, fetcher: typeof fetch = fetch): Promise<ItemQuantities[]> {
  // Explanations come back in the language the merchant chose in Ballast (remembered per shop).
  const response = await fetcher(`/api/v1/products/${numericId(productId)}/items`);
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `HTTP ${response.status}`);
  }
  return ((await response.json()) as { items: ItemQuantities[] }).items;
}

function ProductBlock() {
  const { i18n, data } = api();
  const productId = data.selected[0]?.id ?? "";
  const [load, setLoad] = useState<Load>({ state: "loading" });

  useEffect(() => {
    loadQuantities(productId)
      .then((items) => setLoad({ state: "loaded", items }))
      .catch((error: unknown) =>
        setLoad({ state: "error", detail: error instanceof Error ? error.message : String(error) }),
      );
  }, [productId]);

  return (
    <s-admin-block heading={i18n.translate("heading")}>
      {load.state === "loading" ? <s-text>{i18n.translate("loading")}</s-text> : null}
      {load.state === "error" ? (
        <s-banner tone="critical">{i18n.translate("error", { detail: load.detail })}</s-banner>
      ) : null}
      {load.state === "loaded" && load.items.length === 0 ? <s-text>{i18n.translate("empty")}</s-text> : null}
      {load.state === "loaded" ? (
        <s-stack gap="base">
          {load.items.map((item) => (
            <s-stack key={item.variantId} gap="small-200">
              <s-text type="strong">
                {item.title || numericId(item.variantId)} · {i18n.translate("sellable", { sellable: item.sellable })}
              </s-text>
              {item.channels.map((channel) => (
                <s-text key={channel.channel}>
                  {i18n.translate(channel.channel)}: {channel.quantity}
                  {channel.state.startsWith("paused") ? ` (${i18n.translate("paused")})` : ""}
                  {channel.override ? ` (${i18n.translate("override")})` : ""}
                </s-text>
              ))}
              <s-link href={`app:/app/items/${numericId(item.variantId)}`}>{i18n.translate("details")}</s-link>
            </s-stack>
          ))}
        </s-stack>
      ) : null}
    </s-admin-block>
  );
}

export default async () => {
  render(<ProductBlock />, document.body);
};
