export type { ContractStore, FreshStore } from "./contract-store";
export { describeStoreContract } from "./describe-store-contract";
