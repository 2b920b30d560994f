CREATE TABLE "return_lines" (
	"return_id" text NOT NULL,
	"order_line_id" text NOT NULL,
	"variant_id" text NOT NULL,
	"quantity" integer NOT NULL,
	"condition" text NOT NULL,
	"amount" integer NOT NULL,
	CONSTRAINT "return_lines_return_id_order_line_id_condition_pk" PRIMARY KEY("return_id","order_line_id","condition"),
	CONSTRAINT "return_lines_quantity" CHECK ("return_lines"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "returns" (
	"id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"location_id" text NOT NULL,
	"staff_id" text,
	"reason" text NOT NULL,
	"refund_method" text DEFAULT 'original' NOT NULL,
	"idempotency_key" text,
	"refund_total" integer NOT NULL,
	"refunds" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"points_reversed" integer DEFAULT 0 NOT NULL,
	"points_unrecovered" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "returns_refund_total" CHECK ("returns"."refund_total" >= 0)
);
--> statement-breakpoint
CREATE INDEX "return_lines_order_line_id_index" ON "return_lines" USING btree ("order_line_id");--> statement-breakpoint
CREATE INDEX "returns_order_id_index" ON "returns" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "returns_location_id_created_at_index" ON "returns" USING btree ("location_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "returns_order_id_idempotency_key_index" ON "returns" USING btree ("order_id","idempotency_key");