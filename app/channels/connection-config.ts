import { z } from "zod";
import { validateTemplate } from "./item-ids";

/**
 * What a channel connection stores: `config` (plain JSON, not secret, shown in the UI)
 * and `credentials` (sealed with app/security before they reach the database, never
 * sent to the browser). Validated on write and again on read.
 */
const itemIdTemplate = z
  .string()
  .min(1)
  .max(200)
  .superRefine((template, context) => {
    try {
      validateTemplate(template);
    } catch (error) {
      context.addIssue({ code: z.ZodIssueCode.custom, message: (error as Error).message });
    }
  });
const countryCode = z
  .string()
  .regex(/^[A-Za-z]{2}$/, "a two-letter country code, e.g. US")
  .transform((code) => code.toUpperCase());

export const metaConfigSchema = z
  .object({
    catalogId: z.string().regex(/^\d{1,30}$/, "the catalog id is a number"),
    itemIdTemplate: itemIdTemplate.default("{variantId}"),
    countryCode: countryCode.optional(),
  })
  .strict();
export type MetaConfig = z.output<typeof metaConfigSchema>;

export const metaCredentialsSchema = z.object({ accessToken: z.string().min(20).max(2_000) }).strict();
export type MetaCredentials = z.output<typeof metaCredentialsSchema>;

export const googleConfigSchema = z
  .object({
    accountId: z.string().regex(/^\d{1,30}$/, "the Merchant Center account id is a number"),
    dataSourceId: z.string().regex(/^\d{1,30}$/, "the data source id is a number"),
    contentLanguage: z
      .string()
      .regex(/^[a-z]{2}$/, "a two-letter language code, e.g. en")
      .default("en"),
    feedLabel: z.string().min(1).max(20).default("US"),
    itemIdTemplate: itemIdTemplate.default("shopify_{countryCode}_{productId}_{variantId}"),
    countryCode: countryCode.default("US"),
  })
  .strict();
export type GoogleConfig = z.output<typeof googleConfigSchema>;

export const googleCredentialsSchema = z.discriminatedUnion("kind", [
  z
    .object({
      kind: z.literal("refresh_token"),
      clientId: z.string().min(1),
      clientSecret: z.string().min(1),
      refreshToken: z.string().min(1),
    })
    .strict(),
  z
    .object({
      kind: z.literal("service_account"),
      clientEmail: z.string().email(),
      privateKey: z.string().min(1),
      privateKeyId: z.string().optional(),
    })
    .strict(),
]);
export type GoogleCredentialsInput = z.output<typeof googleCredentialsSchema>;

/** Authenticated data bound to each sealed credential, so a blob cannot be moved to another shop or channel. */
export const credentialContext = (shop: string, channel: string) => `${shop}|${channel}`;
