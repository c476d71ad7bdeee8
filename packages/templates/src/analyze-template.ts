import Handlebars from "handlebars";
import { type TemplateField, type TemplateSource, templateFields } from "./template-source";

type Program = hbs.AST.Program;
type Node = hbs.AST.Node;

/** A syntax error with its place in the field's source (1-based line and column). */
export interface TemplateSyntaxProblem {
  field: TemplateField;
  line: number;
  column: number;
  message: string;
}

/**
 * What one source needs when it renders, read from its syntax tree: the variables it prints at
 * its top level (as path segments), every partial it names, and the partials rendered in its own
 * context (whose variables it therefore needs too).
 */
export interface SourceNeeds {
  variables: string[][];
  partials: string[];
  partialsInContext: string[];
}

/** A field's syntax tree, or the problem that keeps it from parsing. */
export function parseField(
  field: TemplateField,
  source: string,
): { program: Program } | { problem: TemplateSyntaxProblem } {
  try {
    return { program: Handlebars.parse(source) };
  } catch (error) {
    return { problem: syntaxProblem(field, error) };
  }
}

/** Turns the parser's exception into a line, a column and a readable message. */
function syntaxProblem(field: TemplateField, error: unknown): TemplateSyntaxProblem {
  const message = error instanceof Error ? error.message : String(error);
  const located = error as { lineNumber?: unknown; column?: unknown };
  if (typeof located.lineNumber === "number" && typeof located.column === "number") {
    // A Handlebars.Exception (a block closed by the wrong name): its loc is the block's.
    return { field, line: located.lineNumber, column: located.column + 1, message };
  }
  // A parse error: the lexer stopped at the offending token (0-based column).
  const at = (Handlebars as unknown as { Parser: { lexer: { yylloc?: Record<string, number> } } })
    .Parser.lexer.yylloc;
  const expected = message.split("\n").at(-1) ?? message;
  return {
    field,
    line: at?.first_line ?? 1,
    column: (at?.first_column ?? 0) + 1,
    message: expected.endsWith("got 'EOF'")
      ? "the source ends inside an open block or expression (a {{#…}} without its {{/…}}?)"
      : expected,
  };
}

/** The problems of every field of a source, and the partials it names; checked once, on save. */
export function checkTemplateSource(source: TemplateSource): {
  problems: TemplateSyntaxProblem[];
  partials: string[];
} {
  const problems: TemplateSyntaxProblem[] = [];
  const partials = new Set<string>();
  for (const field of templateFields) {
    const text = source[field];
    if (text === undefined) {
      continue;
    }
    const parsed = parseField(field, text);
    if ("problem" in parsed) {
      problems.push(parsed.problem);
      continue;
    }
    for (const name of needsOf(parsed.program).partials) {
      partials.add(name);
    }
  }
  return { problems, partials: [...partials] };
}

/**
 * What a tree needs. Only the top level counts as required: a block's body may run in another
 * context (`#each`, `#with`) or not at all (`#if`, `#unless`), so its variables are optional.
 * What `#each` and `#with` iterate or enter is required; what `#if` tests is not. The body of a
 * partial block (`{{#> layout}}…{{/layout}}`) renders in the caller's context, so it counts.
 */
export function needsOf(program: Program): SourceNeeds {
  const needs: SourceNeeds = { variables: [], partials: [], partialsInContext: [] };
  collectStatements(program.body, needs);
  return needs;
}

function collectStatements(statements: Node[], needs: SourceNeeds): void {
  for (const statement of statements) {
    switch (statement.type) {
      case "MustacheStatement": {
        const mustache = statement as hbs.AST.MustacheStatement;
        if (mustache.params.length === 0 && (mustache.hash?.pairs.length ?? 0) === 0) {
          addVariable(mustache.path, needs);
        } else {
          collectArguments(mustache, needs);
        }
        break;
      }
      case "BlockStatement": {
        const block = statement as hbs.AST.BlockStatement;
        if (block.path.original === "each" || block.path.original === "with") {
          collectArguments(block, needs);
        }
        break;
      }
      case "PartialStatement":
      case "PartialBlockStatement": {
        const partial = statement as hbs.AST.PartialStatement | hbs.AST.PartialBlockStatement;
        collectArguments(partial, needs);
        if (partial.name.type === "PathExpression") {
          const name = (partial.name as hbs.AST.PathExpression).original;
          if (!name.startsWith("@")) {
            needs.partials.push(name);
            if (partial.params.length === 0) {
              needs.partialsInContext.push(name);
            }
          }
        }
        if (statement.type === "PartialBlockStatement") {
          collectStatements((partial as hbs.AST.PartialBlockStatement).program.body, needs);
        }
        break;
      }
      default:
        break;
    }
  }
}

function collectArguments(
  node: { params: hbs.AST.Expression[]; hash?: hbs.AST.Hash | undefined },
  needs: SourceNeeds,
): void {
  for (const param of node.params) {
    addVariable(param, needs);
  }
  for (const pair of node.hash?.pairs ?? []) {
    addVariable(pair.value, needs);
  }
}

function addVariable(expression: hbs.AST.Expression, needs: SourceNeeds): void {
  if (expression.type === "SubExpression") {
    collectArguments(expression as hbs.AST.SubExpression, needs);
    return;
  }
  if (expression.type !== "PathExpression") {
    return;
  }
  const path = expression as hbs.AST.PathExpression;
  if (path.depth > 0) {
    return;
  }
  if (path.data) {
    if (path.parts[0] === "root" && path.parts.length > 1) {
      needs.variables.push(path.parts.slice(1));
    }
    return;
  }
  if (path.parts.length > 0) {
    needs.variables.push(path.parts);
  }
}
