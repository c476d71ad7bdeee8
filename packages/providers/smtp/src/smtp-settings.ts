import { z } from "zod";

/** One SMTP relay account: where to connect, how to log in, and how long a send may take. */
export const smtpSettingsSchema = z.object({
  /** The configured name (`relay-eu`, `backup`), unique within one mailroute. */
  name: z.string().min(1),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65_535),
  /** True for implicit TLS (port 465); false connects in clear and upgrades with STARTTLS when offered. */
  secure: z.boolean().default(false),
  auth: z
    .object({ user: z.string().min(1), pass: z.string() })
    .strict()
    .optional(),
  /** The adapter's own ceiling for one send, in ms; the dispatcher's deadline may be shorter. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** Keep connections open between sends (nodemailer's pooled transport). */
  pool: z.boolean().default(true),
  maxConnections: z.number().int().positive().default(5),
  tls: z.object({ rejectUnauthorized: z.boolean().optional() }).strict().optional(),
});

/** Settings as written in the configuration (defaults not yet applied). */
export type SmtpSettings = z.input<typeof smtpSettingsSchema>;

/** Settings after validation, defaults applied. */
export type ResolvedSmtpSettings = z.output<typeof smtpSettingsSchema>;
