import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { EmulatorControl, LedgerEntry } from "@mailroute/core/testing";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import { parseSmtpMessage } from "./parse-smtp-message";
import {
  replyCodeForStatus,
  type SmtpEmulatorFault,
  smtpError,
  type TransactionFault,
} from "./smtp-emulator-fault";

/** How the emulated SMTP server is set up; every field is optional. */
export interface SmtpEmulatorOptions {
  /** Credentials the server requires (AUTH PLAIN/LOGIN); without them AUTH is optional. */
  auth?: { user: string; pass: string };
  /** Largest message accepted, advertised as SIZE; 25 MB when omitted. */
  maxMessageBytes?: number;
  /** Most RCPT TO per transaction (452 past it); 100 when omitted. */
  maxRecipients?: number;
  /** Offers STARTTLS with smtp-server's built-in self-signed certificate. */
  starttls?: boolean;
}

/** A running SMTP emulator: the shared control surface plus where it listens. */
export interface SmtpEmulator extends EmulatorControl {
  readonly host: string;
  readonly port: number;
  fault(fault: SmtpEmulatorFault | null): void;
}

async function readMessage(stream: SMTPServerDataStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** What the server's handlers share: the ledger, the counters and the faults. */
interface EmulatorState {
  ledger: LedgerEntry[];
  transactions: number;
  active: { fault: TransactionFault; remaining: number } | null;
  /** The fault each open session's current transaction took at MAIL FROM. */
  faultBySession: Map<string, TransactionFault | null>;
  /** How many transactions each fault kind was applied to. */
  counts: Record<string, number>;
}

/** How the end of DATA is answered: `none` leaves the client waiting or already cut off. */
type DataAnswer =
  | { reply: "ok"; message: string }
  | { reply: "error"; error: Error }
  | { reply: "none" };

function takeFault(state: EmulatorState): TransactionFault | null {
  if (!state.active) {
    return null;
  }
  let { fault } = state.active;
  state.active.remaining -= 1;
  if (state.active.remaining <= 0) {
    state.active = null;
  }
  if (fault.kind === "random") {
    const random = fault.random ?? Math.random;
    const picked =
      random() < fault.rate ? fault.faults[Math.floor(random() * fault.faults.length)] : undefined;
    if (!picked || picked.kind === "random") {
      return null;
    }
    fault = picked;
  }
  state.counts[fault.kind] = (state.counts[fault.kind] ?? 0) + 1;
  return fault;
}

function dropConnection(server: SMTPServer, session: SMTPServerSession): void {
  for (const connection of server.connections) {
    if (connection.id === session.id) {
      connection._socket.destroy();
    }
  }
}

function recipientReplyCode(fault: TransactionFault | null | undefined, address: string) {
  if (fault?.kind !== "recipientReplies") {
    return undefined;
  }
  const lower = address.toLowerCase();
  return Object.entries(fault.replies).find(([email]) => email.toLowerCase() === lower)?.[1];
}

async function answerData(
  server: SMTPServer,
  state: EmulatorState,
  stream: SMTPServerDataStream,
  session: SMTPServerSession,
): Promise<DataAnswer> {
  const raw = await readMessage(stream);
  const fault = state.faultBySession.get(session.id) ?? null;
  if (stream.sizeExceeded) {
    // smtp-server answers 552 itself (rejectOversized); the message is not kept.
    return { reply: "error", error: smtpError(552) };
  }
  if (fault?.kind === "latency" || fault?.kind === "slowBody") {
    await new Promise((resolve) => setTimeout(resolve, fault.ms));
  }
  if (fault?.kind === "hang") {
    return { reply: "none" };
  }
  if (fault?.kind === "reset") {
    dropConnection(server, session);
    return { reply: "none" };
  }
  if (fault?.kind === "status") {
    return { reply: "error", error: smtpError(replyCodeForStatus(fault.status), fault.body) };
  }
  if (fault?.kind === "dataReply") {
    return { reply: "error", error: smtpError(fault.code, fault.message) };
  }
  const envelope = {
    mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
    rcptTo: session.envelope.rcptTo.map((recipient) => recipient.address),
  };
  const queueId = randomBytes(6).toString("hex").toUpperCase();
  state.ledger.push(await parseSmtpMessage(raw, envelope, queueId));
  if (fault?.kind === "acceptThenReset") {
    dropConnection(server, session);
    return { reply: "none" };
  }
  // Postfix's wording, which nodemailer reads into info.serverMessageId.
  return { reply: "ok", message: `Ok: queued as ${queueId}` };
}

function createSmtpServer(options: SmtpEmulatorOptions, state: EmulatorState): SMTPServer {
  const credentials = options.auth;
  const server: SMTPServer = new SMTPServer({
    name: "smtp.emulator.test",
    logger: false,
    size: options.maxMessageBytes ?? 25 * 1024 * 1024,
    rejectOversized: true,
    // Postfix and the large providers answer with RFC 3463 enhanced codes (`550 5.1.1 …`).
    hideENHANCEDSTATUSCODES: false,
    maxRecipients: options.maxRecipients ?? 100,
    authOptional: credentials === undefined,
    allowInsecureAuth: true,
    disabledCommands: options.starttls ? [] : ["STARTTLS"],
    disableReverseLookup: true,
    closeTimeout: 100,
    onAuth(auth, _session, callback) {
      if (credentials && auth.username === credentials.user && auth.password === credentials.pass) {
        callback(null, { user: auth.username });
        return;
      }
      // Postfix's reply to a wrong user or password.
      callback(smtpError(535, "Error: authentication failed: authentication failure"));
    },
    onMailFrom(_address, session, callback) {
      state.transactions += 1;
      state.faultBySession.set(session.id, takeFault(state));
      callback();
    },
    onRcptTo(address, session, callback) {
      const fault = state.faultBySession.get(session.id);
      if (fault?.kind === "beforeData") {
        if (fault.action === "reset") {
          dropConnection(server, session);
        }
        return;
      }
      const code = recipientReplyCode(fault, address.address);
      callback(code === undefined ? null : smtpError(code));
    },
    onData(stream, session, callback) {
      answerData(server, state, stream, session).then(
        (answer) => {
          if (answer.reply === "ok") {
            callback(null, answer.message);
          } else if (answer.reply === "error") {
            callback(answer.error);
          }
        },
        (error: unknown) => callback(smtpError(451, `Error: ${String(error)}`)),
      );
    },
    onClose(session) {
      state.faultBySession.delete(session.id);
    },
  });
  server.on("error", () => {
    // A client dropping its connection mid-command is routine under fault injection.
  });
  return server;
}

function destroyConnections(server: SMTPServer): void {
  for (const connection of server.connections) {
    connection._socket.destroy();
  }
}

/**
 * Starts a real SMTP server (smtp-server) on 127.0.0.1 at a random port. Each transaction takes
 * the active fault at MAIL FROM; every accepted message is parsed into the ledger.
 */
export async function startSmtpEmulator(options: SmtpEmulatorOptions = {}): Promise<SmtpEmulator> {
  const state: EmulatorState = {
    ledger: [],
    transactions: 0,
    active: null,
    faultBySession: new Map(),
    counts: {},
  };
  const server = createSmtpServer(options, state);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  let listening = true;

  return {
    host: "127.0.0.1",
    port,
    baseUrl: `smtp://127.0.0.1:${port}`,
    ledger: () => [...state.ledger],
    requestCount: () => state.transactions,
    faultCounts: () => ({ ...state.counts }),
    fault(fault) {
      if (fault?.kind === "refuse") {
        listening = false;
        server.server.close();
        destroyConnections(server);
        return;
      }
      state.active = fault ? { fault, remaining: fault.times ?? Number.POSITIVE_INFINITY } : null;
    },
    reset() {
      state.ledger.length = 0;
      state.transactions = 0;
      state.active = null;
    },
    async close() {
      destroyConnections(server);
      if (listening) {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}
