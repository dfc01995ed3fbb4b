import { redirect, type LoaderFunctionArgs } from "@remix-run/node";

/** Shopify opens the app with ?shop=…; anyone else gets a short explanation. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return null;
};

export default function Landing() {
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: 640, margin: "4rem auto", lineHeight: 1.5 }}>
      <h1>Ballast</h1>
      <p>
        Oversell protection for Shopify stores that also sell on Facebook, Instagram and Google. Install Ballast from
        the Shopify App Store and open it from your Shopify admin.
      </p>
    </main>
  );
}
