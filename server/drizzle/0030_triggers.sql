CREATE TABLE "customer_positions" (
	"customer_id" text PRIMARY KEY NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"accuracy" double precision,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "trigger_states" (
	"campaign_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"firings" integer NOT NULL,
	"last_fired_at" timestamp with time zone NOT NULL,
	"occasion" text DEFAULT '' NOT NULL,
	CONSTRAINT "trigger_states_campaign_id_customer_id_pk" PRIMARY KEY("campaign_id","customer_id")
);
--> statement-breakpoint
ALTER TABLE "campaign_recipients" DROP CONSTRAINT "campaign_recipients_campaign_id_customer_id_pk";--> statement-breakpoint
ALTER TABLE "campaigns" ALTER COLUMN "segment_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "campaign_recipients" ADD COLUMN "firing" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- The key takes the firing once the column exists (drizzle-kit wrote it before).
ALTER TABLE "campaign_recipients" ADD CONSTRAINT "campaign_recipients_campaign_id_customer_id_firing_pk" PRIMARY KEY("campaign_id","customer_id","firing");--> statement-breakpoint
ALTER TABLE "campaign_recipients" ADD COLUMN "detail" jsonb;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "kind" text DEFAULT 'segment' NOT NULL;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "trigger" jsonb;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "activated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "customer_positions" ADD CONSTRAINT "customer_positions_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trigger_states" ADD CONSTRAINT "trigger_states_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "campaign_recipients_campaign_id_created_at_index" ON "campaign_recipients" USING btree ("campaign_id","created_at");