/**
 * The merchant's mail server, in tests: smtp-server on loopback (plain SMTP, no STARTTLS)
 * keeping every message it accepts, with the envelope and the signed-in user.
 */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  /** The envelope's sender and recipients (what the server was told, not the headers). */
  from: string;
  to: string[];
  /** The message as sent, long headers unfolded (as they are folded on the wire). */
  raw: string;
  /** Who signed in; undefined without sign-in. */
  user: string | undefined;
}

export interface TestSmtpServer {
  port: number;
  /** Every message accepted, in order. */
  mails: ReceivedMail[];
  close(): Promise<void>;
}

/** The one user and password accepted (AUTH PLAIN or LOGIN), required unless `optional`. */
export interface SmtpLogin {
  user: string;
  password: string;
  optional?: boolean;
}

/**
 * With `login`, a wrong password is refused with "Invalid username or password"; without it,
 * the server offers no sign-in at all.
 */
export async function startSmtpServer(options: { login?: SmtpLogin } = {}): Promise<TestSmtpServer> {
  const { login } = options;
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    ...(login
      ? {
          disabledCommands: ["STARTTLS"],
          allowInsecureAuth: true,
          authOptional: login.optional ?? false,
          authMethods: ["PLAIN", "LOGIN"],
          onAuth(auth, _session, callback) {
            if (auth.username === login.user && auth.password === login.password)
              return callback(null, { user: login.user });
            return callback(new Error("Invalid username or password"));
          },
        }
      : { disabledCommands: ["STARTTLS", "AUTH"] }),
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks)
            .toString("utf8")
            .replace(/\r?\n[ \t]+/g, " "),
          user: session.user as string | undefined,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
