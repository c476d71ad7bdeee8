import { newId } from "@mailroute/core";
import { describe, expect, it } from "vitest";
import { useRepositoryDatabase } from "./repository-testing";
import { addTemplateVersion, createTemplate, getTemplate } from "./templates";

// What every store does is the store contract's (postgres.contract.test.ts runs it here); these
// tests are what only PostgreSQL shows: several instances on one database at once.
const database = useRepositoryDatabase(["templates", "template_versions"]);

function create(
  name: string,
  options: { kind?: "template" | "partial"; partials?: string[]; at?: Date } = {},
) {
  const kind = options.kind ?? "template";
  return database.write((client) =>
    createTemplate(client, {
      id: newId("tpl"),
      name,
      kind,
      strict: true,
      source: {
        subject: kind === "template" ? `Hello {{name}} (${name})` : null,
        html: `<p>${name}</p>`,
        text: null,
        partials: options.partials ?? [],
      },
      at: options.at ?? new Date(),
    }),
  );
}

const source = { subject: "x", html: "x", text: null, partials: [] };

describe("the template store", () => {
  it("lets exactly one of several instances creating one name at once win", async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => create("welcome")));
    expect(results.filter((result) => result !== null)).toHaveLength(1);
    const versions = await database.pool.query("select 1 from template_versions");
    expect(versions.rowCount).toBe(1);
  });

  it("numbers versions added at once one after the other", async () => {
    const id = (await create("welcome"))?.template.id ?? "";
    const added = await Promise.all(
      Array.from({ length: 4 }, () =>
        database.write((client) =>
          addTemplateVersion(client, { id, strict: true, source, at: new Date() }),
        ),
      ),
    );
    expect(added.map((written) => written?.version.version).sort()).toEqual([2, 3, 4, 5]);
    expect((await database.read((client) => getTemplate(client, id)))?.latestVersion).toBe(5);
  });
});
