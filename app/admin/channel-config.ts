import { z } from "zod";
import { GOOGLE_DEFAULT_TEMPLATES, META_DEFAULT_TEMPLATES, validateTemplate, ItemIdTemplateError } from "~/channels/item-ids";

/**
 * ChannelConnection.config (JSON, not secret) as the Channels page writes it, and the
 * credentials sealed into encryptedCredentials. The sync worker reads the same shapes.
 */
const template = z.string().trim().min(1).max(200).superRefine((value, context) => {
  try {
    validateTemplate(value);
  } catch (error) {
    if (error instanceof ItemIdTemplateError) context.addIssue({ code: z.ZodIssueCode.custom, message: error.message });
    else throw error;
  }
});

const countryCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2}$/, "two letters, e.g. US")
  .transform((value) => value.toUpperCase());

export const metaConfigSchema = z
  .object({
    catalogId: z.string().trim().regex(/^[0-9]{1,30}$/, "digits only (Commerce Manager → Catalog → Settings)"),
    countryCode,
    itemIdTemplates: z.array(template).min(1).max(5).default([...META_DEFAULT_TEMPLATES]),
  })
  .strict();
export type MetaConfig = z.output<typeof metaConfigSchema>;

export const metaCredentialsSchema = z.object({ accessToken: z.string().trim().min(20, "paste the system-user token") }).strict();
export type MetaCredentials = z.output<typeof metaCredentialsSchema>;

export const googleConfigSchema = z
  .object({
    accountId: z.string().trim().regex(/^[0-9]{1,30}$/, "digits only (Merchant Center account id)"),
    dataSourceId: z.string().trim().regex(/^[0-9]{1,30}$/, "digits only (the supplemental API data source)"),
    contentLanguage: z.string().trim().regex(/^[a-z]{2}$/i, "two letters, e.g. en").transform((value) => value.toLowerCase()),
    feedLabel: z.string().trim().min(1).max(20),
    countryCode,
    itemIdTemplates: z.array(template).min(1).max(5).default([...GOOGLE_DEFAULT_TEMPLATES]),
  })
  .strict();
export type GoogleConfig = z.output<typeof googleConfigSchema>;

export const googleCredentialsSchema = z.discriminatedUnion("kind", [
  z
    .object({
      kind: z.literal("refresh_token"),
      clientId: z.string().trim().min(1),
      clientSecret: z.string().trim().min(1),
      refreshToken: z.string().trim().min(1),
    })
    .strict(),
  z
    .object({
      kind: z.literal("service_account"),
      clientEmail: z.string().trim().email(),
      privateKey: z.string().trim().min(1),
      privateKeyId: z.string().trim().optional(),
    })
    .strict(),
]);
export type GoogleCredentialsInput = z.output<typeof googleCredentialsSchema>;

/** Splits the template field (one per line) into a list. */
export function templatesFromText(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}
