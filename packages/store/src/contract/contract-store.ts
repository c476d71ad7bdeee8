import type { MailStore, TemplateStore, WebhookOutboxStore } from "@mailroute/core";

/** Every store implementation: what the contract suite runs against. */
export type ContractStore = MailStore & WebhookOutboxStore & TemplateStore;

/** Gives a test a fresh, empty store of the implementation under test; the suite closes it. */
export type FreshStore = () => Promise<ContractStore>;
