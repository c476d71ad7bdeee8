import { defineConfig } from "drizzle-kit";

/** Migrations of the PostgreSQL store; `npm run db:generate:postgres` writes them. */
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/postgres/schema/index.ts",
  out: "./migrations-postgres",
});
