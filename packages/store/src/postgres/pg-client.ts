import type { ClientBase } from "pg";
/** A connection a repository runs its statements on: a pooled client, inside a transaction when it writes. */
export type PgClient = ClientBase;
