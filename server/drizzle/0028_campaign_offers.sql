ALTER TABLE "campaigns" ADD COLUMN "offer_coupon_id" text;--> statement-breakpoint
ALTER TABLE "coupon_codes" ADD COLUMN "customer_id" text;--> statement-breakpoint
ALTER TABLE "coupon_codes" ADD COLUMN "issued_for" text;--> statement-breakpoint
ALTER TABLE "promotions" ADD COLUMN "description" text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "coupon_codes_issued_once" ON "coupon_codes" USING btree ("issued_for","customer_id") WHERE "coupon_codes"."customer_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "coupon_codes_issued_to" ON "coupon_codes" USING btree ("customer_id") WHERE "coupon_codes"."customer_id" IS NOT NULL AND "coupon_codes"."redeemed_at" IS NULL;