import { randomBytes } from "node:crypto";
import { STATUS_CODES } from "node:http";
import { isEmailAddress } from "@mailroute/core";
import {
  type EmulatorRequest,
  type EmulatorResponse,
  type RunningEmulator,
  startEmulator,
} from "../emulator-server";
import {
  estimateMimeBytes,
  firstField,
  type MailgunForm,
  parseAddressField,
  parseMailgunForm,
} from "./mailgun-form";
import { toMailgunLedgerEntry } from "./mailgun-ledger-entry";

/** Credentials and domains the emulator accepts when none are given. */
export const mailgunEmulatorDefaults = {
  apiKey: "key-emulator-0000000000000000",
  domain: "mg.example.com",
} as const;

/** How to start a Mailgun emulator. */
export interface MailgunEmulatorOptions {
  /** The one private API key accepted (user `api`). */
  apiKey?: string;
  /** Sending domains that exist on the account; any other gives 404. */
  domains?: string[];
}

/** Mailgun's documented limits (https://documentation.mailgun.com/docs/mailgun/user-manual/sending-messages). */
export const mailgunLimits = {
  maxRecipients: 1000,
  maxMessageBytes: 25 * 1024 * 1024,
} as const;

const messagesPath = /^\/v3\/([^/]+)\/messages$/;

function json(status: number, body: unknown): EmulatorResponse {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

function badRequest(message: string): EmulatorResponse {
  return json(400, { message });
}

/**
 * Mailgun's error bodies: `{message}` JSON from the API, the bare text `Forbidden` for a bad key
 * (as the SDK notes and the API overview describe), and the front proxy's HTML for 413 and the
 * gateway errors.
 */
function mailgunErrorBody(status: number): { body: string; contentType: string } {
  if (status === 401) {
    return { body: "Forbidden", contentType: "text/plain; charset=utf-8" };
  }
  if (status === 413 || status === 502 || status === 503 || status === 504) {
    const title = `${status} ${STATUS_CODES[status] ?? "Error"}`;
    return {
      body: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`,
      contentType: "text/html",
    };
  }
  const messages: Record<number, string> = {
    400: "'to' parameter is not a valid address. please check documentation",
    403: "Domain mg.example.com is not allowed to send: Free accounts are for test purposes only.",
    404: "Domain not found: mg.example.com",
    429: "Too many requests",
    500: "Internal Server Error",
  };
  return {
    body: JSON.stringify({ message: messages[status] ?? STATUS_CODES[status] ?? "Error" }),
    contentType: "application/json",
  };
}

function isAuthorized(request: EmulatorRequest, apiKey: string): boolean {
  const header = request.headers.authorization ?? "";
  if (!header.startsWith("Basic ")) {
    return false;
  }
  const decoded = Buffer.from(header.slice("Basic ".length), "base64").toString("utf8");
  return decoded === `api:${apiKey}`;
}

/** The first rule of Mailgun's send validation the form breaks, or null when it is valid. */
function findFormProblem(form: MailgunForm): string | null {
  for (const field of ["from", "to", "subject"]) {
    if (!form.fields.get(field)?.some((value) => value.trim() !== "")) {
      return `'${field}' parameter is missing`;
    }
  }
  const bodies = ["text", "html", "amp-html", "template"];
  if (!bodies.some((field) => firstField(form, field))) {
    return "Need at least one of 'text', 'html', 'amp-html' or 'template' parameters specified";
  }
  let recipients = 0;
  for (const field of ["from", "to", "cc", "bcc"]) {
    const addresses = parseAddressField(form.fields.get(field));
    if (addresses.some((address) => !isEmailAddress(address.email))) {
      return `'${field}' parameter is not a valid address. please check documentation`;
    }
    recipients += field === "from" ? 0 : addresses.length;
  }
  if (recipients > mailgunLimits.maxRecipients) {
    return `Too many recipients, max is ${mailgunLimits.maxRecipients}`;
  }
  return findTrackingProblem(form);
}

/**
 * The tracking options' values (the Messages reference: `yes`, `no`, `true`, `false`, and
 * `htmlonly` for clicks); anything else is a 400.
 */
function findTrackingProblem(form: MailgunForm): string | null {
  const allowed: Record<string, string[]> = {
    "o:tracking": ["yes", "no", "true", "false"],
    "o:tracking-opens": ["yes", "no", "true", "false"],
    "o:tracking-clicks": ["yes", "no", "true", "false", "htmlonly"],
  };
  for (const [field, values] of Object.entries(allowed)) {
    const value = firstField(form, field);
    if (value !== null && !values.includes(value.toLowerCase())) {
      return `${field} parameter must be one of: ${values.join(", ")}`;
    }
  }
  return null;
}

/** `<20260101120000.4f9c0b1e2a3d5c6e@mg.example.com>`, the shape Mailgun answers with. */
function newMessageId(domain: string): string {
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  return `<${stamp}.${randomBytes(8).toString("hex")}@${domain}>`;
}

async function handleSend(
  request: EmulatorRequest,
  domain: string,
  options: Required<MailgunEmulatorOptions>,
): Promise<EmulatorResponse> {
  if (!isAuthorized(request, options.apiKey)) {
    const error = mailgunErrorBody(401);
    return { status: 401, headers: { "content-type": error.contentType }, body: error.body };
  }
  if (!options.domains.includes(domain)) {
    return json(404, { message: `Domain not found: ${domain}` });
  }
  const form = await parseMailgunForm(request.body, request.headers["content-type"]);
  if (!form) {
    return badRequest("Unable to parse the request body: send multipart/form-data");
  }
  if (estimateMimeBytes(form) > mailgunLimits.maxMessageBytes) {
    const error = mailgunErrorBody(413);
    return { status: 413, headers: { "content-type": error.contentType }, body: error.body };
  }
  const problem = findFormProblem(form);
  if (problem) {
    return badRequest(problem);
  }
  const deliveryTime = firstField(form, "o:deliverytime");
  if (deliveryTime !== null && Number.isNaN(Date.parse(deliveryTime))) {
    return badRequest("o:deliverytime parameter is not a valid RFC 2822 date");
  }
  const id = newMessageId(domain);
  return {
    ...json(200, { id, message: "Queued. Thank you." }),
    // Webhooks and the events API spell the id without angle brackets; so does the ledger.
    accepted: toMailgunLedgerEntry(id.slice(1, -1), form),
  };
}

/**
 * Starts an emulator of Mailgun's send API (`POST /v3/:domain/messages`, multipart/form-data,
 * Basic auth `api:<key>`) on 127.0.0.1. It never redirects: mailgun.js would follow a 302 as a GET.
 */
export async function startMailgunEmulator(
  options: MailgunEmulatorOptions = {},
): Promise<RunningEmulator> {
  const resolved: Required<MailgunEmulatorOptions> = {
    apiKey: options.apiKey ?? mailgunEmulatorDefaults.apiKey,
    domains: options.domains ?? [mailgunEmulatorDefaults.domain],
  };
  return startEmulator({
    isSend: (request) => request.method === "POST" && messagesPath.test(request.path),
    errorBody: mailgunErrorBody,
    // What mailgun.js itself allows (its axios maxBodyLength); the 25 MB limit is checked on
    // the message Mailgun would build, in handleSend.
    maxBodyBytes: 50 * 1024 * 1024,
    handle(request) {
      const match = messagesPath.exec(request.path);
      if (match?.[1] !== undefined) {
        if (request.method !== "POST") {
          return json(405, { message: "Method Not Allowed" });
        }
        return handleSend(request, decodeURIComponent(match[1]), resolved);
      }
      if (request.method === "GET" && request.path === "/") {
        // The API root's real answer; mailgun.js turns it into an "Incorrect url" error.
        return {
          status: 200,
          headers: { "content-type": "text/plain" },
          body: "Mailgun Magnificent API",
        };
      }
      return json(404, { message: "Not Found" });
    },
  });
}
