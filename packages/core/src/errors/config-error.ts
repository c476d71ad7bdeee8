import { type ErrorDetail, MailrouteError } from "./mailroute-error";

/** Raised at start-up when the configuration (file, environment, provider settings) is invalid. */
export class ConfigError extends MailrouteError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super("CONFIG_ERROR", message, { details });
    this.name = "ConfigError";
  }
}
