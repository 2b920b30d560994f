DROP INDEX "coupon_redemptions_single_use_code";--> statement-breakpoint
ALTER TABLE "coupon_redemptions" ADD COLUMN "released_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "coupon_redemptions_single_use_code" ON "coupon_redemptions" USING btree ("code") WHERE "coupon_redemptions"."single_use" AND "coupon_redemptions"."released_at" IS NULL;