import { lookup as dnsLookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { privateWebhookHostsAllowed } from "~/env.server";
import { deliveryRefusalText, refusalDetails } from "~/records/delivery-failure";
import {
  checkResolvedAddresses,
  webhookUrlRefusal,
  type WebhookRefusal,
  type WebhookUrlPolicy,
} from "~/security/webhook-address";

/**
 * The one way an alert webhook leaves Ballast (alert notices and test sends alike), guarded
 * against SSRF (issue #16): the URL is checked (app/security/webhook-address.ts), its host
 * name resolved, and every address it resolves to must be public; the connection then goes
 * to those checked addresses only — the request's own DNS lookup is replaced by them, so a
 * name cannot resolve to something else between the check and the connection (DNS
 * rebinding). Redirects are never followed (a 3xx is a failed delivery). TLS still checks
 * the certificate against the host name. BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS=1 lets private
 * addresses and plain http through (tests, the local rehearsal).
 */

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Every address a host name resolves to (DNS, /etc/hosts…), as the connection would use them. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

export interface WebhookPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Private addresses and plain http allowed; BALLAST_ALLOW_PRIVATE_WEBHOOK_HOSTS unless given. */
  allowPrivateHosts?: boolean;
  /** Tests: a resolver in place of the system's. */
  resolve?: ResolveHost;
  /** Tests: a transport in place of the pinned one, called with the URL once its addresses passed. */
  fetch?: typeof fetch;
}

/**
 * A webhook Ballast will not call, and why; recorded as a failed delivery (refusalDetails) and
 * worded in the reader's language by deliveryRefusalText (app/records/delivery-failure.ts).
 */
export class WebhookRefused extends Error {
  override name = "WebhookRefused";
  constructor(readonly refusal: WebhookRefusal) {
    super(deliveryRefusalText({ ...refusalDetails(refusal) }, "en"));
  }
}

const systemResolve: ResolveHost = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Rejects when `signal` aborts first: a lookup has no timeout of its own. */
function beforeAbort<Value>(promise: Promise<Value>, signal: AbortSignal): Promise<Value> {
  return new Promise((resolve, reject) => {
    const abort = () => reject(signal.reason);
    if (signal.aborted) return abort();
    signal.addEventListener("abort", abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}

/** The addresses the request may connect to: the URL's own, or those its name resolves to, all checked. */
async function checkedAddresses(
  url: URL,
  policy: WebhookUrlPolicy,
  resolve: ResolveHost,
  signal: AbortSignal,
): Promise<ResolvedAddress[]> {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const family = isIP(host);
  const addresses = family ? [{ address: host, family }] : await beforeAbort(resolve(host), signal);
  if (addresses.length === 0) throw new Error(`webhook host ${host} has no address`);
  const refusedAddress = checkResolvedAddresses(
    url.hostname,
    addresses.map((entry) => entry.address),
    policy,
  );
  if (refusedAddress) throw new WebhookRefused(refusedAddress);
  return addresses;
}

/** The connection's lookup: only the checked addresses, whatever DNS would say now. */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (hostname, options, callback) => {
    const usable = options.family ? addresses.filter((entry) => entry.family === options.family) : addresses;
    if (usable.length === 0) {
      const error: NodeJS.ErrnoException = new Error(`no checked address of ${hostname} fits`);
      error.code = "ENOTFOUND";
      callback(error, "", 0);
    } else if (options.all) callback(null, usable);
    else callback(null, usable[0]!.address, usable[0]!.family);
  };
}

/** POSTs to `url` over a fresh connection to the checked addresses; the answer's status. */
function pinnedPost(url: URL, addresses: ResolvedAddress[], post: WebhookPost, signal: AbortSignal): Promise<number> {
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(url, {
      method: "POST",
      headers: { ...post.headers, "content-length": String(Buffer.byteLength(post.body)) },
      lookup: pinnedLookup(addresses),
      // No pooled socket: each delivery connects to what was just checked.
      agent: false,
      signal,
    });
    request.on("response", (response) => {
      resolve(response.statusCode ?? 0);
      response.destroy();
    });
    request.on("error", reject);
    request.end(post.body);
  });
}

/**
 * Sends a webhook POST once its URL and addresses passed; the receiver's HTTP status.
 * Throws WebhookRefused for an address Ballast does not call, an Error for a network failure.
 */
export async function postWebhookRequest(post: WebhookPost): Promise<number> {
  const policy = { allowPrivate: post.allowPrivateHosts ?? privateWebhookHostsAllowed() };
  const refused = webhookUrlRefusal(post.url, policy);
  if (refused) throw new WebhookRefused(refused);
  const url = new URL(post.url);
  const signal = AbortSignal.timeout(post.timeoutMs);
  try {
    const addresses = await checkedAddresses(url, policy, post.resolve ?? systemResolve, signal);
    if (post.fetch) {
      const response = await post.fetch(url, {
        method: "POST",
        headers: post.headers,
        body: post.body,
        redirect: "manual",
        signal,
      });
      await response.body?.cancel();
      return response.status;
    }
    return await pinnedPost(url, addresses, post, signal);
  } catch (error) {
    if (signal.aborted && !(error instanceof WebhookRefused))
      throw new Error(`webhook did not answer within ${Math.round(post.timeoutMs / 1_000)} s`);
    throw error;
  }
}
