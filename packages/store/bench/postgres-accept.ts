// `npm run bench:postgres -w @mailroute/store`: durable accepts per second on PostgreSQL through
// the store's group commit, against one transaction per accept (the same repository code, the
// same rows, each followed by the ordering step as in the store), at the same concurrency, on a fresh database of the test server
// (MAILROUTE_TEST_POSTGRES_URL). Arguments: concurrency (50) and accepts per run (3000).
import { type AcceptMessageInput, type EmailMessage, newId } from "@mailroute/core";
import { acceptMessage } from "../src/postgres/repositories/accept-message";
import { createSequencer } from "../src/postgres/sequencer";
import { inTransaction } from "../src/postgres/transaction";
import { createPostgresTestStore } from "../src/testing";

const concurrency = Number(process.argv[2] ?? 50);
const total = Number(process.argv[3] ?? 3000);

function input(): AcceptMessageInput {
  const at = new Date();
  const message: EmailMessage = {
    id: newId("msg", at.getTime()),
    from: { email: "sender@acme.test" },
    to: [{ email: "user@example.com" }],
    cc: [],
    bcc: [],
    replyTo: [],
    subject: "Hello",
    text: "Hello there",
    attachments: [],
    headers: {},
    tags: ["bench"],
    metadata: { tenant: "acme" },
  };
  return {
    message,
    acceptedAt: at,
    runAt: at,
    response: { status: 202, body: { id: message.id } },
  };
}

async function measure(label: string, count: number, accept: () => Promise<unknown>) {
  let left = count;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left > 0) {
        left -= 1;
        const start = performance.now();
        await accept();
        latencies.push(performance.now() - start);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? 0;
  process.stdout.write(
    `${label.padEnd(36)} c=${concurrency}  ${(count / seconds).toFixed(0).padStart(6)} accepts/s  p50 ${at(0.5).toFixed(1)} ms  p99 ${at(0.99).toFixed(1)} ms\n`,
  );
}

const store = await createPostgresTestStore();
// Without a group commit a store would still run the ordering step after each accept's commit.
const sequencer = createSequencer(store.pool, (error) => {
  throw error;
});
try {
  await measure("warm-up", Math.min(500, total), () => store.acceptMessage(input()));
  // Alternated, twice, so a change in the machine's load hits both.
  for (let round = 0; round < 2; round += 1) {
    await measure("group commit (store.acceptMessage)", total, () => store.acceptMessage(input()));
    await measure("one transaction per accept", total, async () => {
      await inTransaction(store.pool, (client) => acceptMessage(client, input()));
      await sequencer.request();
    });
  }
} finally {
  await store.close();
}
