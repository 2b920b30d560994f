CREATE TABLE "analytics_coupon_codes_daily" (
	"issued_on" date NOT NULL,
	"promotion_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"issued" integer DEFAULT 0 NOT NULL,
	"used" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "analytics_coupon_codes_daily_issued_on_promotion_id_campaign_id_pk" PRIMARY KEY("issued_on","promotion_id","campaign_id")
);
--> statement-breakpoint
CREATE TABLE "analytics_coupon_daily" (
	"used_on" date NOT NULL,
	"location_id" text NOT NULL,
	"promotion_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"issue_channel" text NOT NULL,
	"channel" text NOT NULL,
	"redeemed" integer NOT NULL,
	"discount" bigint NOT NULL,
	"sales" bigint NOT NULL,
	CONSTRAINT "analytics_coupon_daily_pk" PRIMARY KEY("used_on","location_id","promotion_id","campaign_id","issue_channel","channel")
);
--> statement-breakpoint
CREATE TABLE "analytics_coupon_fill" (
	"name" text PRIMARY KEY NOT NULL,
	"through" date,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_coupon_uses" (
	"redemption_id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"used_on" date NOT NULL,
	"issued_on" date,
	"promotion_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"issue_channel" text NOT NULL,
	"channel" text NOT NULL,
	"location_id" text NOT NULL,
	"discount" bigint NOT NULL,
	"sales" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "analytics_coupon_uses_order_id_index" ON "analytics_coupon_uses" USING btree ("order_id");