export { createApp } from "./app";
export type { App, AppDependencies } from "./app-env";
export { configSchema, loadConfig, type MailrouteConfig, parseConfig } from "./config";
export { createMailroute, type Mailroute } from "./mailroute";
export { createApiKey, hashApiKey } from "./services/api-keys";
export { createDispatcher, type Dispatcher, type DispatchSettings } from "./services/dispatcher";
