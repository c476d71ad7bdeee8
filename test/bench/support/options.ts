import { fileURLToPath } from "node:url";

/** How a bench run was asked for. */
export interface BenchOptions {
  /** `--quick`: fewer and shorter rounds, a smaller message log, about a minute per scenario. */
  quick: boolean;
  /** Alternating baseline/subject rounds per measurement. */
  rounds: number;
  /** `bench-results/` at the repository root. */
  resultsDir: string;
  /** Where generated databases are kept between runs. */
  cacheDir: string;
}

const repositoryRoot = fileURLToPath(new URL("../../..", import.meta.url));

export function parseOptions(argv: readonly string[]): BenchOptions & { only: string[] } {
  const quick = argv.includes("--quick");
  const only = argv
    .filter((argument) => argument.startsWith("--only="))
    .flatMap((argument) => argument.slice("--only=".length).split(","))
    .filter((name) => name !== "");
  const resultsDir = `${repositoryRoot}bench-results`;
  return { quick, rounds: quick ? 2 : 3, resultsDir, cacheDir: `${resultsDir}/cache`, only };
}

/** Which side goes first in round `round`: baseline, subject, subject, baseline, … */
export function sidesOf(round: number): ("baseline" | "subject")[] {
  return round % 2 === 0 ? ["baseline", "subject"] : ["subject", "baseline"];
}
