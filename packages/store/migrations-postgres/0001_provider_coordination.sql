CREATE TABLE "provider_breakers" (
	"provider" text PRIMARY KEY NOT NULL,
	"state" text NOT NULL,
	"reason" text NOT NULL,
	"misconfigured" boolean NOT NULL,
	"changed_at" bigint NOT NULL,
	"open_until" bigint,
	"origin" text NOT NULL,
	"version" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "provider_daily_counts" (
	"provider" text NOT NULL,
	"day" bigint NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "provider_daily_counts_provider_day_pk" PRIMARY KEY("provider","day")
);
--> statement-breakpoint
CREATE TABLE "provider_rate_buckets" (
	"provider" text PRIMARY KEY NOT NULL,
	"tokens" double precision NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "provider_stalls" (
	"provider" text NOT NULL,
	"origin" text NOT NULL,
	"detail" text NOT NULL,
	"since" bigint NOT NULL,
	"until" bigint NOT NULL,
	CONSTRAINT "provider_stalls_provider_origin_pk" PRIMARY KEY("provider","origin")
);
