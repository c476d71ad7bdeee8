import { setFlagsFromString } from "node:v8";
import { serve } from "@hono/node-server";
import { MailrouteError } from "@mailroute/core";
import { loadConfig } from "./config";
import { selectDatabase } from "./database";
import { parseEnvironment } from "./env";
import { createLogger } from "./logger";
import { createMailroute } from "./mailroute";

/**
 * V8 lets the old generation grow to several times what survived its last full collection before
 * collecting again. Under steady load most of what reaches it is short-lived (requests and
 * provider calls that outlived two young collections), so a ~30 MB live heap swelled to ~140 MB.
 * Letting it at most double keeps the server under 200 MB at 1,000 messages/s (npm run bench:
 * memory) at no measurable cost in throughput. Growing by half saved 10 MB more, but its extra
 * full collections, each a pause of up to 20 ms on a single core, raised the accept p99 at 50
 * connections from about 21 to 31 ms. A growth rate, not a cap: large messages still fit. A
 * `--heap-growing-percent` given to node wins.
 */
function tuneHeapGrowth(): void {
  if (!process.execArgv.some((flag) => flag.startsWith("--heap-growing-percent"))) {
    setFlagsFromString("--heap-growing-percent=100");
  }
}

async function main(): Promise<void> {
  tuneHeapGrowth();
  const environment = parseEnvironment();
  const logger = createLogger({ level: environment.LOG_LEVEL, format: environment.LOG_FORMAT });
  const { config, source } = loadConfig(environment.MAILROUTE_CONFIG, process.env);
  const mailroute = await createMailroute({
    config,
    logger,
    adminKey: environment.MAILROUTE_API_KEY,
    database: selectDatabase(config.database, environment),
  });
  mailroute.dispatcher.start();
  mailroute.outboundWorker.start();
  const server = serve(
    { fetch: mailroute.app.fetch, port: environment.PORT, hostname: environment.HOST },
    (info) => {
      const base = `http://localhost:${info.port}`;
      const providers = config.providers
        .map((provider) => `${provider.name} (${provider.type})`)
        .join(", ");
      const keyHint = mailroute.firstKey
        ? `\n  Your first API key (shown once, store it now):\n    ${mailroute.firstKey}\n  Make more with: npm run mailroute -- keys create --name <name>`
        : environment.MAILROUTE_API_KEY
          ? "\n  API key    MAILROUTE_API_KEY from the environment is accepted as an admin key"
          : "\n  API keys   make one with: npm run mailroute -- keys create --name <name>";
      // One write, so whoever reads the banner gets the key with it; to stderr, so stdout holds
      // only JSON log lines.
      console.error(`mailroute is running
  API        ${base}/v1   (OpenAPI: ${base}/openapi.json)
  Docs       ${base}/docs
  Metrics    ${base}/metrics   (${config.metrics.token ? "with metrics.token" : "from this machine only"})
  Dashboard  ${base}/     (not built yet: use the API)
  Config     ${source ?? "none: the local capture provider keeps every message instead of sending it"}
  Providers  ${providers}
  Database   ${mailroute.database}
${keyHint}`);
    },
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info({ signal }, "stopping");
    server.close();
    await mailroute.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  if (error instanceof MailrouteError) {
    console.error(`mailroute cannot start: ${error.message}`);
    for (const detail of error.details) {
      console.error(`  ${detail.path}: ${detail.message}`);
    }
  } else {
    console.error("mailroute cannot start:", error);
  }
  process.exit(1);
});
