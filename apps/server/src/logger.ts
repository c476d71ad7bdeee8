import { type DestinationStream, type Logger, pino } from "pino";

/** How the server logs: pino's level, and JSON lines or (for development) pretty lines. */
export interface LogSettings {
  level: string;
  format: "json" | "pretty";
}

/**
 * The server's logger: JSON lines on stdout (or `destination`), secrets in known fields censored.
 * `pretty` hands the lines to pino-pretty through pino's transport; it is a development
 * dependency, so a production install (`--omit=dev`) runs with JSON lines only.
 */
export function createLogger(settings: LogSettings, destination?: DestinationStream): Logger {
  const options = {
    level: settings.level,
    redact: {
      paths: [
        "*.apiKey",
        "*.serverToken",
        "*.password",
        "*.pass",
        "*.authorization",
        "*.signingKey",
        "*.unsubscribeSecret",
      ],
      censor: "[secret]",
    },
  };
  if (settings.format === "pretty") {
    return pino({
      ...options,
      transport: {
        target: "pino-pretty",
        options: { destination: 1, translateTime: "SYS:HH:MM:ss.l", singleLine: true },
      },
    });
  }
  return destination ? pino(options, destination) : pino(options);
}
