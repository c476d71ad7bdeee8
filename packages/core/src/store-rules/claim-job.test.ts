import { describe, expect, it } from "vitest";
import { plainMessage } from "../testing/plain-message";
import {
  type AttemptOnClaim,
  attemptsToInterrupt,
  claimedJobOf,
  interruptedAttemptError,
  jobIdOf,
} from "./claim-job";

function attempt(overrides: Partial<AttemptOnClaim> & Pick<AttemptOnClaim, "id">): AttemptOnClaim {
  return {
    provider: "sendgrid",
    outcome: "retryable",
    errorCode: null,
    providerMessageId: null,
    ...overrides,
  };
}

const job = {
  jobId: "job_1",
  rounds: 2,
  pinnedProvider: "sendgrid",
  message: plainMessage({ id: "msg_1" }),
  acceptedAt: new Date("2026-11-22T10:00:00.000Z"),
  possibleDuplicate: false,
};

describe("jobIdOf", () => {
  it("names a message's one job after it", () => {
    expect(jobIdOf("msg_01ABC")).toBe("job_01ABC");
  });
});

describe("interruptedAttemptError", () => {
  it("is ambiguous, coded INTERRUPTED", () => {
    expect(interruptedAttemptError).toMatchObject({ class: "ambiguous", code: "INTERRUPTED" });
  });
});

describe("attemptsToInterrupt", () => {
  it("takes the attempts still in flight, and only those", () => {
    expect(
      attemptsToInterrupt([
        attempt({ id: "att_1", outcome: "retryable" }),
        attempt({ id: "att_2", outcome: "in_flight" }),
        attempt({ id: "att_3", outcome: "ambiguous", errorCode: "INTERRUPTED" }),
        attempt({ id: "att_4", outcome: "in_flight" }),
      ]),
    ).toEqual(["att_2", "att_4"]);
  });
});

describe("claimedJobOf", () => {
  it("carries the job and message as they are", () => {
    expect(claimedJobOf({ ...job, attempts: [] })).toEqual({
      jobId: "job_1",
      message: job.message,
      acceptedAt: job.acceptedAt,
      rounds: 2,
      pinnedProvider: "sendgrid",
      possibleDuplicate: false,
      acceptedAttempt: null,
      interruptedAttempts: [],
    });
  });

  it("names every interrupted attempt in start order: in flight now, or marked by an earlier claim", () => {
    const claimed = claimedJobOf({
      ...job,
      attempts: [
        attempt({
          id: "att_1",
          provider: "mailgun",
          outcome: "ambiguous",
          errorCode: "INTERRUPTED",
        }),
        attempt({ id: "att_2", outcome: "ambiguous", errorCode: "TIMEOUT" }),
        attempt({ id: "att_3", outcome: "retryable" }),
        attempt({ id: "att_4", provider: "postmark", outcome: "in_flight" }),
      ],
    });
    expect(claimed.interruptedAttempts).toEqual([
      { id: "att_1", provider: "mailgun" },
      { id: "att_4", provider: "postmark" },
    ]);
  });

  it("names the attempt a provider accepted, so the message is not sent again", () => {
    const claimed = claimedJobOf({
      ...job,
      attempts: [
        attempt({ id: "att_1", outcome: "retryable" }),
        attempt({
          id: "att_2",
          provider: "mailgun",
          outcome: "accepted",
          providerMessageId: "mg-1",
        }),
      ],
    });
    expect(claimed.acceptedAttempt).toEqual({ provider: "mailgun", providerMessageId: "mg-1" });
  });
});
