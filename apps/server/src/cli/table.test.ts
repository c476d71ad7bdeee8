import { describe, expect, it } from "vitest";
import { formatTable } from "./table";

describe("formatTable", () => {
  const columns = [
    { header: "id", value: (row: { id: string; tags: string[] }) => row.id },
    { header: "tags", value: (row: { id: string; tags: string[] }) => row.tags, max: 8 },
  ];

  it("writes a header row and pads every column to its widest cell", () => {
    expect(
      formatTable(columns, [
        { id: "msg_1", tags: ["a"] },
        { id: "msg_22", tags: [] },
      ]),
    ).toBe("ID      TAGS\nmsg_1   a\nmsg_22");
  });

  it("cuts a cell longer than its column's max with an ellipsis and folds whitespace", () => {
    expect(formatTable(columns, [{ id: "a\nb", tags: ["welcome", "billing"] }])).toBe(
      "ID   TAGS\na b  welcome…",
    );
  });

  it("writes only the header when there are no rows", () => {
    expect(formatTable(columns, [])).toBe("ID  TAGS");
  });
});
