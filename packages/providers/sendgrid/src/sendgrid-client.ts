import http, {
  type ClientRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type RequestOptions,
} from "node:http";
import https from "node:https";
import { TLSSocket } from "node:tls";
import { Client } from "@sendgrid/client";

/** How far one send got, so a failure can tell whether SendGrid may have seen the request. */
export interface SendGridProgress {
  /** The connection (TLS included) was up, so the request may have been written. */
  connected: boolean;
  /** The status line and headers, once they arrived, even if the body never did. */
  response?: { status: number; headers: IncomingHttpHeaders };
}

/** The keep-alive pools of one account, released by the provider's `close()`. */
export interface SendGridAgents {
  http: http.Agent;
  https: https.Agent;
}

/** Pools like Node's global agent (keep-alive, LIFO, idle sockets closed after 5 s), per account. */
export function createSendGridAgents(): SendGridAgents {
  const options = { keepAlive: true, scheduling: "lifo", timeout: 5000 } as const;
  return { http: new http.Agent(options), https: new https.Agent(options) };
}

/**
 * A transport for axios (the one it would pick itself with redirects off) that records when the
 * connection is up and when the response head arrives, which axios does not report on errors.
 */
function createWatchingTransport(progress: SendGridProgress) {
  return {
    request(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest {
      const request =
        options.protocol === "https:"
          ? https.request(options, callback)
          : http.request(options, callback);
      request.once("socket", (socket) => {
        if (!socket.connecting) {
          progress.connected = true;
          return;
        }
        const ready = socket instanceof TLSSocket ? "secureConnect" : "connect";
        socket.once(ready, () => {
          progress.connected = true;
        });
      });
      request.once("response", (response) => {
        progress.response = { status: response.statusCode ?? 0, headers: response.headers };
      });
      return request;
    },
  };
}

/** What one send needs from its account. */
export interface SendGridClientInput {
  apiKey: string;
  baseUrl: string;
  signal: AbortSignal;
  agents: SendGridAgents;
  progress: SendGridProgress;
}

/**
 * A @sendgrid/client Client for one send. A fresh Client per send is cheap (a plain object) and
 * is the only way to give axios a signal: `request()` forwards just url, method, body, qs and
 * headers, while defaults are passed through whole.
 */
export function createSendGridClient(input: SendGridClientInput): Client {
  const client = new Client();
  // setApiKey resets baseUrl to https://api.sendgrid.com/, so it must come before the defaults.
  client.setApiKey(input.apiKey);
  const defaults = {
    baseUrl: input.baseUrl,
    // The SDK follows redirects, and a 302 turns the POST into a GET whose answer reads as success.
    // The native transport below follows none either; each guard holds without the other.
    maxRedirects: 0,
    // axios honours HTTP_PROXY even for 127.0.0.1; settings, not the environment, say where to go.
    proxy: false,
    // axios' own `timeout` stops at the response head; the signal also covers a slow body.
    signal: input.signal,
    httpAgent: input.agents.http,
    httpsAgent: input.agents.https,
    transport: createWatchingTransport(input.progress),
  };
  // The SDK's types name a few request fields, but it hands every default to axios.
  client.setDefaultRequest(defaults as unknown as Parameters<Client["setDefaultRequest"]>[0]);
  return client;
}
