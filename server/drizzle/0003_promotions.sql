CREATE TABLE "coupon_codes" (
	"code" text PRIMARY KEY NOT NULL,
	"coupon_id" text NOT NULL,
	"batch_id" text NOT NULL,
	"redeemed_at" timestamp with time zone,
	"order_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "coupon_redemptions" (
	"id" text PRIMARY KEY NOT NULL,
	"coupon_id" text NOT NULL,
	"promotion_id" text NOT NULL,
	"code" text NOT NULL,
	"single_use" boolean NOT NULL,
	"customer_id" text,
	"order_id" text NOT NULL,
	"amount" integer NOT NULL,
	"issued_channel" text,
	"channel" text NOT NULL,
	"location_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "coupons" (
	"id" text PRIMARY KEY NOT NULL,
	"code" text,
	"promotion_id" text NOT NULL,
	"kind" text NOT NULL,
	"per_customer_limit" integer,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"issued_channel" text,
	"campaign" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "coupons_code_unique" UNIQUE("code"),
	CONSTRAINT "coupons_code_kind" CHECK (("coupons"."kind" = 'public') = ("coupons"."code" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "promotions" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"params" jsonb NOT NULL,
	"target" jsonb NOT NULL,
	"conditions" jsonb NOT NULL,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"priority" integer DEFAULT 0 NOT NULL,
	"stackable" boolean DEFAULT true NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"requires_coupon" boolean DEFAULT false NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "coupon_codes_coupon_id_index" ON "coupon_codes" USING btree ("coupon_id");--> statement-breakpoint
CREATE INDEX "coupon_codes_batch_id_index" ON "coupon_codes" USING btree ("batch_id");--> statement-breakpoint
CREATE INDEX "coupon_redemptions_coupon_id_created_at_index" ON "coupon_redemptions" USING btree ("coupon_id","created_at");--> statement-breakpoint
CREATE INDEX "coupon_redemptions_coupon_id_customer_id_index" ON "coupon_redemptions" USING btree ("coupon_id","customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "coupon_redemptions_order_id_coupon_id_index" ON "coupon_redemptions" USING btree ("order_id","coupon_id");--> statement-breakpoint
CREATE UNIQUE INDEX "coupon_redemptions_single_use_code" ON "coupon_redemptions" USING btree ("code") WHERE "coupon_redemptions"."single_use";--> statement-breakpoint
CREATE INDEX "coupons_promotion_id_index" ON "coupons" USING btree ("promotion_id");--> statement-breakpoint
CREATE INDEX "promotions_active_requires_coupon_index" ON "promotions" USING btree ("active","requires_coupon");