/**
 * Where a test file's alert notices go: a local SMTP server and a local webhook receiver,
 * started before its tests and closed after them. Read the fields inside tests.
 */
import { afterAll, beforeAll } from "vitest";
import { startSmtpServer, type SmtpLogin, type TestSmtpServer } from "./smtp";
import { startWebhookReceiver, type TestWebhookReceiver } from "./webhook-receiver";

export interface AlertTargets {
  smtp: TestSmtpServer;
  receiver: TestWebhookReceiver;
  /** Email delivery settings that reach `smtp`: switched on, from ballast@example.com, signed in as the login's user. */
  emailSettings(to: string[]): EmailSettings;
}

interface EmailSettings {
  enabled: boolean;
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  from: string;
  to: string[];
}

export function alertTargets(options: { login?: SmtpLogin; webhookPath?: string } = {}): AlertTargets {
  const targets = {
    emailSettings: (to) => ({
      enabled: true,
      host: "127.0.0.1",
      port: targets.smtp.port,
      secure: false,
      ...(options.login ? { user: options.login.user } : {}),
      from: "ballast@example.com",
      to,
    }),
  } as AlertTargets;
  beforeAll(async () => {
    targets.smtp = await startSmtpServer(options);
    targets.receiver = await startWebhookReceiver(options.webhookPath);
  });
  afterAll(async () => {
    await targets.smtp?.close();
    await targets.receiver?.close();
  });
  return targets;
}
