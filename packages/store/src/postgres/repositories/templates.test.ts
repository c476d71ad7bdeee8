import { newId } from "@mailroute/core";
import { describe, expect, it } from "vitest";
import { useRepositoryDatabase } from "./repository-testing";
import {
  addTemplateVersion,
  createTemplate,
  deleteTemplate,
  findTemplateByName,
  findTemplatesUsingPartial,
  getTemplate,
  getTemplateVersion,
  listTemplates,
} from "./templates";

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
  it("writes a template with its version 1, and reads both back", async () => {
    const written = await create("welcome", { partials: ["footer"] });
    expect(written?.template).toMatchObject({
      name: "welcome",
      kind: "template",
      strict: true,
      latestVersion: 1,
      deletedAt: null,
    });
    const id = written?.template.id ?? "";
    expect(await database.read((client) => getTemplate(client, id))).toEqual(written?.template);
    expect(await database.read((client) => findTemplateByName(client, "welcome"))).toEqual(
      written?.template,
    );
    expect(await database.read((client) => getTemplateVersion(client, id, 1))).toEqual(
      written?.version,
    );
    expect(written?.version).toMatchObject({
      templateId: id,
      version: 1,
      subject: "Hello {{name}} (welcome)",
      html: "<p>welcome</p>",
      text: null,
      partials: ["footer"],
    });
    expect(await database.read((client) => getTemplateVersion(client, id, 2))).toBeNull();
    expect(await database.read((client) => getTemplate(client, "tpl_unknown"))).toBeNull();
  });

  it("refuses a second live template with the same name, writing nothing", async () => {
    await create("welcome");
    expect(await create("welcome", { kind: "partial" })).toBeNull();
    expect(
      (await database.read((client) => listTemplates(client, { limit: 10 }))).data,
    ).toHaveLength(1);
  });

  it("lets exactly one of several instances creating one name at once win", async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => create("welcome")));
    expect(results.filter((result) => result !== null)).toHaveLength(1);
    const versions = await database.pool.query("select 1 from template_versions");
    expect(versions.rowCount).toBe(1);
  });

  it("adds versions that keep the earlier ones, and changes strict", async () => {
    const id = (await create("welcome"))?.template.id ?? "";
    const second = await database.write((client) =>
      addTemplateVersion(client, {
        id,
        strict: false,
        source: { subject: "v2", html: null, text: "two", partials: [] },
        at: new Date(),
      }),
    );
    expect(second?.template).toMatchObject({ latestVersion: 2, strict: false });
    expect(second?.version).toMatchObject({ version: 2, subject: "v2", text: "two", html: null });
    expect((await database.read((client) => getTemplateVersion(client, id, 1)))?.subject).toBe(
      "Hello {{name}} (welcome)",
    );
    expect(
      await database.write((client) =>
        addTemplateVersion(client, { id: "tpl_unknown", strict: true, source, at: new Date() }),
      ),
    ).toBeNull();
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

  it("soft-deletes: gone from lists, names and new versions; the rows stay; the name is free", async () => {
    const first = (await create("welcome"))?.template.id ?? "";
    expect(await database.write((client) => deleteTemplate(client, first, new Date()))).toBe(true);
    expect(await database.write((client) => deleteTemplate(client, first, new Date()))).toBe(false);
    expect((await database.read((client) => listTemplates(client, { limit: 10 }))).data).toEqual(
      [],
    );
    expect(await database.read((client) => findTemplateByName(client, "welcome"))).toBeNull();
    expect((await database.read((client) => getTemplate(client, first)))?.deletedAt).not.toBeNull();
    expect(await database.read((client) => getTemplateVersion(client, first, 1))).not.toBeNull();
    expect(
      await database.write((client) =>
        addTemplateVersion(client, { id: first, strict: true, source, at: new Date() }),
      ),
    ).toBeNull();
    const again = await create("welcome");
    expect(again?.template.id).not.toBe(first);
    expect((await database.read((client) => findTemplateByName(client, "welcome")))?.id).toBe(
      again?.template.id,
    );
  });

  it("lists newest first, page by page", async () => {
    const start = Date.now();
    for (const [index, name] of ["a", "b", "c"].entries()) {
      await create(name, { at: new Date(start + index) });
    }
    const first = await database.read((client) => listTemplates(client, { limit: 2 }));
    expect(first.data.map((template) => template.name)).toEqual(["c", "b"]);
    const second = await database.read((client) =>
      listTemplates(client, { limit: 2, cursor: first.nextCursor ?? "" }),
    );
    expect(second.data.map((template) => template.name)).toEqual(["a"]);
    expect(second.nextCursor).toBeNull();
  });

  it("finds the live templates whose latest version uses a partial", async () => {
    await create("footer", { kind: "partial" });
    const start = Date.now();
    const welcome = (
      await create("welcome", { partials: ["footer", "header"], at: new Date(start) })
    )?.template;
    const receipt = (await create("receipt", { partials: ["footer"], at: new Date(start + 1) }))
      ?.template;
    await create("plain", { partials: ["footers"] });
    expect(
      (await database.read((client) => findTemplatesUsingPartial(client, "footer"))).map(
        (template) => template.name,
      ),
    ).toEqual(["receipt", "welcome"]);
    // A newer version that no longer uses it, and a deleted template, no longer count.
    await database.write((client) =>
      addTemplateVersion(client, {
        id: receipt?.id ?? "",
        strict: true,
        source: { subject: "s", html: "h", text: null, partials: [] },
        at: new Date(),
      }),
    );
    await database.write((client) => deleteTemplate(client, welcome?.id ?? "", new Date()));
    expect(await database.read((client) => findTemplatesUsingPartial(client, "footer"))).toEqual(
      [],
    );
  });
});
