import { newId } from "@mailroute/core";
import { describe, expect, it } from "vitest";
import type { ContractStore, FreshStore } from "./contract-store";

function create(
  store: ContractStore,
  name: string,
  options: { kind?: "template" | "partial"; partials?: string[]; at?: Date } = {},
) {
  const kind = options.kind ?? "template";
  return store.createTemplate({
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
  });
}

/** Stored templates, their versions, names, soft deletes and partial use. */
export function templatesContract(fresh: FreshStore): void {
  describe("the template store", () => {
    it("writes a template with its version 1, and reads both back", async () => {
      const store = await fresh();
      const written = await create(store, "welcome", { partials: ["footer"] });
      expect(written?.template).toMatchObject({
        name: "welcome",
        kind: "template",
        strict: true,
        latestVersion: 1,
        deletedAt: null,
      });
      const id = written?.template.id ?? "";
      expect(await store.getTemplate(id)).toEqual(written?.template);
      expect(await store.findTemplateByName("welcome")).toEqual(written?.template);
      expect(await store.getTemplateVersion(id, 1)).toMatchObject({
        templateId: id,
        version: 1,
        subject: "Hello {{name}} (welcome)",
        html: "<p>welcome</p>",
        text: null,
        partials: ["footer"],
      });
      expect(await store.getTemplateVersion(id, 2)).toBeNull();
    });

    it("refuses a second live template with the same name, writing nothing", async () => {
      const store = await fresh();
      await create(store, "welcome");
      expect(await create(store, "welcome", { kind: "partial" })).toBeNull();
      expect((await store.listTemplates({ limit: 10 })).data).toHaveLength(1);
    });

    it("adds versions that keep the earlier ones, and changes strict", async () => {
      const store = await fresh();
      const id = (await create(store, "welcome"))?.template.id ?? "";
      const second = await store.addTemplateVersion({
        id,
        strict: false,
        source: { subject: "v2", html: null, text: "two", partials: [] },
        at: new Date(),
      });
      expect(second?.template).toMatchObject({ latestVersion: 2, strict: false });
      expect(second?.version).toMatchObject({ version: 2, subject: "v2", text: "two", html: null });
      expect((await store.getTemplateVersion(id, 1))?.subject).toBe("Hello {{name}} (welcome)");
      expect(
        await store.addTemplateVersion({
          id: "tpl_unknown",
          strict: true,
          source: { subject: "x", html: "x", text: null, partials: [] },
          at: new Date(),
        }),
      ).toBeNull();
    });

    it("soft-deletes: gone from lists, names and new versions; the rows stay; the name is free", async () => {
      const store = await fresh();
      const first = (await create(store, "welcome"))?.template.id ?? "";
      expect(await store.deleteTemplate(first, new Date())).toBe(true);
      expect(await store.deleteTemplate(first, new Date())).toBe(false);
      expect((await store.listTemplates({ limit: 10 })).data).toEqual([]);
      expect(await store.findTemplateByName("welcome")).toBeNull();
      expect((await store.getTemplate(first))?.deletedAt).not.toBeNull();
      expect(await store.getTemplateVersion(first, 1)).not.toBeNull();
      expect(
        await store.addTemplateVersion({
          id: first,
          strict: true,
          source: { subject: "x", html: "x", text: null, partials: [] },
          at: new Date(),
        }),
      ).toBeNull();
      const again = await create(store, "welcome");
      expect(again?.template.id).not.toBe(first);
      expect((await store.findTemplateByName("welcome"))?.id).toBe(again?.template.id);
    });

    it("lists newest first, page by page", async () => {
      const store = await fresh();
      const start = Date.now();
      for (const [index, name] of ["a", "b", "c"].entries()) {
        await create(store, name, { at: new Date(start + index) });
      }
      const first = await store.listTemplates({ limit: 2 });
      expect(first.data.map((template) => template.name)).toEqual(["c", "b"]);
      const second = await store.listTemplates({ limit: 2, cursor: first.nextCursor ?? "" });
      expect(second.data.map((template) => template.name)).toEqual(["a"]);
      expect(second.nextCursor).toBeNull();
    });

    it("finds the live templates whose latest version uses a partial", async () => {
      const store = await fresh();
      await create(store, "footer", { kind: "partial" });
      const welcome = (await create(store, "welcome", { partials: ["footer", "header"] }))
        ?.template;
      const receipt = (await create(store, "receipt", { partials: ["footer"] }))?.template;
      await create(store, "plain");
      expect((await store.findTemplatesUsingPartial("footer")).map((t) => t.name)).toEqual([
        "receipt",
        "welcome",
      ]);
      // A newer version that no longer uses it, and a deleted template, no longer count.
      await store.addTemplateVersion({
        id: receipt?.id ?? "",
        strict: true,
        source: { subject: "s", html: "h", text: null, partials: [] },
        at: new Date(),
      });
      await store.deleteTemplate(welcome?.id ?? "", new Date());
      expect(await store.findTemplatesUsingPartial("footer")).toEqual([]);
    });
  });
}
