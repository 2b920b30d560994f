CREATE TABLE "line_chat_offers" (
	"line_user_id" text PRIMARY KEY NOT NULL,
	"offers" jsonb NOT NULL,
	"offered_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "line_webhook_events" (
	"webhook_event_id" text PRIMARY KEY NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "line_webhook_events_received_at_index" ON "line_webhook_events" USING btree ("received_at");