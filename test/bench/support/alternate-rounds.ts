import { failures, type LoadResult } from "./load";
import { sidesOf } from "./options";
import { median, percentile } from "./stats";

/** One side's figures over its rounds: medians of each round's rate and latencies. */
export interface SideFigures {
  perSecond: number;
  p50: number;
  p99: number;
  /** Non-2xx answers, socket errors and timeouts, summed over the rounds. */
  failed: number;
}

/**
 * Runs `rounds` rounds of the same load against the baseline and the subject, alternating
 * which goes first (B S, S B, …), and answers each side's medians.
 */
export async function alternateRounds(
  rounds: number,
  shoot: (side: "baseline" | "subject") => Promise<LoadResult>,
): Promise<Record<"baseline" | "subject", SideFigures>> {
  const samples = {
    baseline: { rps: [] as number[], p50: [] as number[], p99: [] as number[], failed: 0 },
    subject: { rps: [] as number[], p50: [] as number[], p99: [] as number[], failed: 0 },
  };
  for (let round = 0; round < rounds; round += 1) {
    for (const side of sidesOf(round)) {
      const result = await shoot(side);
      samples[side].rps.push(result.perSecond);
      samples[side].p50.push(percentile(result.latenciesMs, 50));
      samples[side].p99.push(percentile(result.latenciesMs, 99));
      samples[side].failed += failures(result);
    }
  }
  const figuresOf = (side: "baseline" | "subject"): SideFigures => ({
    perSecond: median(samples[side].rps),
    p50: median(samples[side].p50),
    p99: median(samples[side].p99),
    failed: samples[side].failed,
  });
  return { baseline: figuresOf("baseline"), subject: figuresOf("subject") };
}
